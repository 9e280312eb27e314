from django.urls import URLPattern, URLResolver, path

from apps.rights import console_views, views

app_name = "rights"

urlpatterns: list[URLPattern | URLResolver] = [
    # the person's own pages
    path("my/rights/", views.overview, name="overview"),
    path("my/rights/cases/<str:case_number>/data.json", views.export_json, name="export_json"),
    path("my/rights/cases/<str:case_number>/data.pdf", views.export_pdf, name="export_pdf"),
    path(
        "my/rights/cases/<str:case_number>/correction/",
        views.request_correction,
        name="correction",
    ),
    path("my/rights/cases/<str:case_number>/complaint/", views.file_complaint, name="complaint"),
    path(
        "my/rights/cases/<str:case_number>/citizenship/",
        views.claim_citizenship,
        name="claim",
    ),
    # staff pages in the console
    path("console/rights/corrections/", console_views.corrections, name="corrections"),
    path(
        "console/rights/corrections/<uuid:item_id>/",
        console_views.correction,
        name="correction_decide",
    ),
    path(
        "console/rights/corrections/<uuid:item_id>/evidence/",
        console_views.correction_evidence,
        name="correction_evidence",
    ),
    path("console/rights/complaints/", console_views.complaints, name="complaints"),
    path(
        "console/rights/complaints/<uuid:item_id>/",
        console_views.complaint,
        name="complaint_decide",
    ),
    path(
        "console/rights/complaints/<uuid:item_id>/evidence/",
        console_views.complaint_evidence,
        name="complaint_evidence",
    ),
    path("console/rights/escalated/", console_views.escalated, name="escalated"),
    path("console/rights/holds/", console_views.holds, name="holds"),
    path(
        "console/rights/holds/<int:hold_id>/renewal/", console_views.renew_hold, name="renew_hold"
    ),
    path("console/rights/holds/<int:hold_id>/end/", console_views.end_hold, name="end_hold"),
    path(
        "console/rights/cases/<str:case_number>/citizenship/",
        console_views.record_claim,
        name="record_claim",
    ),
    path("console/rights/claims/", console_views.claims, name="claims"),
    path("console/rights/claims/<uuid:claim_id>/", console_views.claim, name="claim_resolve"),
    path(
        "console/rights/claims/<uuid:claim_id>/evidence/",
        console_views.claim_evidence,
        name="claim_evidence",
    ),
]
