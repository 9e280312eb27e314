from django.urls import path

from apps.proofs import public_views, views

app_name = "proofs"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path(".well-known/jwks.json", public_views.jwks, name="jwks"),
    path("proofs/status/<int:list_id>", public_views.status_list, name="status_list"),
    path("proofs/cases/<str:case_number>/", views.proof, name="proof"),
    path("proofs/cases/<str:case_number>/proof.pdf", views.proof_pdf, name="pdf"),
    path("proofs/console/<str:case_number>/", views.console_proof, name="console"),
    path("proofs/console/<str:case_number>/print/", views.console_print, name="console_print"),
    path(
        "proofs/console/<str:case_number>/reissue/",
        views.console_reissue,
        name="console_reissue",
    ),
]
