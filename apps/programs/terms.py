"""Words that select people in free text, in English and Spanish, kept by hand.

Country names and demonyms are not here: they come from CLDR and countryinfo
(lexicon.py), in every language a program ships. What CLDR has no data for is here:
religions and their places and practices, ethnic and racial terms, sex and gender
terms and titles, and the small words that tell a selection from an offer ("in Arabic"
offers a language; "Arabic speakers" selects by it). Words are written plainly; they
are folded (case, accents) and indexed by confusable skeleton like any text.

These lists decide refusals, so each entry is a word whose use in a program's text
almost always singles people out. A word that is often innocent ("black" ink, a
"white" envelope, "Christmas" closures) is listed where it only counts in context.
"""

# Adherents, religions, clergy, places of worship and religious practice.
RELIGION = (
    # English
    "muslim", "moslem", "islam", "islamic", "islamist", "christian",
    "christianity", "catholic", "protestant", "evangelical", "jewish", "jew", "judaism",
    "hindu", "hinduism", "sikh", "sikhism", "buddhist", "buddhism", "atheist", "agnostic",
    "sunni", "shia", "shiite", "shi'ite", "ahmadi", "ahmadiyya", "alawite", "druze",
    "yazidi", "bahai", "baha'i", "mormon", "jehovah's witness", "jehovah's witnesses",
    "zoroastrian", "taoist", "shinto", "rastafarian", "coptic", "copt", "pagan", "wiccan",
    "scientologist", "mosque", "masjid", "church", "churches", "cathedral", "chapel",
    "synagogue", "temple", "gurdwara", "mandir", "pagoda", "shrine", "madrasa", "madrassa",
    "yeshiva", "kingdom hall", "imam", "rabbi", "priest", "pastor", "cleric", "clergy",
    "mullah", "monk", "nun", "worship", "worshipper", "worshippers", "worshiper",
    "congregation", "prayer", "prayers", "pray", "praying", "sermon", "fasting", "ramadan",
    "hajj", "umrah", "sabbath", "shabbat", "halal", "kosher", "hijab", "niqab", "burqa",
    "burka", "headscarf", "turban", "kippah", "yarmulke", "baptized", "baptised",
    "pilgrimage", "missionary", "quran", "koran", "bible", "torah",
    # Spanish
    "musulman", "musulmana", "islamico", "islamica",
    "cristiano", "cristiana", "catolico", "catolica", "protestante", "evangelico",
    "evangelica", "judio", "judia", "judaismo", "hindu", "sij", "budista", "ateo", "atea",
    "mezquita", "iglesia", "catedral", "capilla", "sinagoga", "templo", "rabino",
    "sacerdote", "clerigo", "monja", "oracion", "oraciones", "rezar", "rezo", "ayuno",
    "ramadan", "velo islamico", "hiyab", "bautizado", "bautizada", "peregrinacion",
    "coran", "biblia",
)  # fmt: skip

# Religious holidays: often innocent ("closed at Christmas"), so only a warning.
HOLIDAYS = (
    "christmas", "easter", "eid", "diwali", "passover", "yom kippur", "hanukkah",
    "navidad", "semana santa", "pascua",
)  # fmt: skip

# Ethnic and racial terms that name a group of people by themselves.
ETHNIC = (
    # English
    "arab", "arabs", "asian",
    "hispanic", "latino", "latina", "latinx", "caucasian", "african american",
    "afro american", "native american", "indigenous", "aboriginal", "aborigine",
    "american indian", "first nations", "roma", "romani", "gypsy", "gypsies", "kurd",
    "kurds", "kurdish", "pashtun", "hazara", "uyghur", "uighur", "rohingya", "tamil",
    "hmong", "berber", "amazigh", "bedouin", "baloch", "baluch", "tutsi", "hutu", "igbo",
    "yoruba", "hausa", "fulani", "oromo", "amhara", "tigrayan", "mayan", "quechua",
    "aymara", "mestizo", "mulatto", "chechen", "circassian", "tatar", "slav", "slavic",
    "persian", "chaldean", "assyrian", "sephardic", "ashkenazi", "semitic", "of color",
    "of colour", "colored", "coloured", "tribe", "tribal", "caste", "clan",
    "middle eastern", "north african", "south asian", "east asian", "southeast asian",
    "central asian", "latin american", "central american", "west african", "east african",
    # Spanish
    "arabe", "asiatico", "asiatica",
    "hispano", "hispana", "caucasico", "indigena", "aborigen", "gitano", "gitana",
    "kurdo", "kurda", "pastun", "uigur", "rohinya", "bereber", "beduino", "beduina",
    "afrodescendiente", "afroamericano", "afroamericana", "mestiza", "mulato", "mulata",
    "persa", "tribu", "casta", "de color",
)  # fmt: skip

# Words that name a trait only when they qualify people: "black men", "personas negras",
# "religious minorities", "grupos étnicos" (a notice may say "in black ink" or "of any
# religion").
QUALIFIERS = (
    "black", "white", "brown", "yellow", "red", "negro", "negra", "blanco", "blanca",
    "moreno", "morena", "ethnic", "ethnically", "racial", "racially", "religious",
    "etnico", "etnica", "religioso", "religiosa",
)  # fmt: skip
RELIGIOUS_QUALIFIERS = frozenset({"religious", "religioso", "religiosa"})

# Sex and gender terms used to select, and their counterparts: "men and women" (or
# "niño o niña") names everyone, so a term next to its counterpart is not a selection.
SEX_PAIRS = (
    ("man", "woman"), ("men", "women"), ("male", "female"), ("males", "females"),
    ("boy", "girl"), ("boys", "girls"), ("masculine", "feminine"), ("gentlemen", "ladies"),
    ("hombre", "mujer"), ("hombres", "mujeres"), ("varon", "mujer"), ("varones", "mujeres"),
    ("nino", "nina"), ("ninos", "ninas"), ("chico", "chica"), ("chicos", "chicas"),
    ("masculino", "femenino"), ("masculinos", "femeninos"), ("masculina", "femenina"),
    ("caballeros", "damas"), ("senor", "senora"), ("senores", "senoras"),
)  # fmt: skip
# Words of the pairs that are ordinary when alone ("niños" are children of any sex).
SEX_NEUTRAL_ALONE = frozenset({"nino", "ninos", "chicos"})
TITLES = ("mr", "mrs", "ms", "miss", "sir", "madam", "sr", "sra", "srta", "senorita")

# Nouns for people: a colour or a language name before (or, in Spanish, after) one of
# these qualifies people.
PERSON_NOUNS = frozenset(
    {
        "people", "person", "persons", "individual", "individuals", "family", "families",
        "resident", "residents", "immigrant", "immigrants", "national", "nationals",
        "citizen", "citizens", "applicant", "applicants", "registrant", "registrants",
        "child", "children", "student", "students", "worker", "workers", "community",
        "communities", "descent", "origin", "background", "heritage", "ancestry", "men",
        "women", "man", "woman", "males", "females", "refugees", "migrants", "minority",
        "minorities", "group", "groups", "members",
        "persona", "personas", "gente", "familia", "familias", "residente", "residentes",
        "inmigrante", "inmigrantes", "individuo", "individuos", "solicitante",
        "solicitantes", "comunidad", "comunidades", "origen", "ascendencia", "ninos",
        "trabajadores", "estudiantes", "hombres", "mujeres", "refugiados", "migrantes",
        "minoria", "minorias", "grupo", "grupos", "miembros",
    }
)  # fmt: skip

# A language name next to these is selecting by language ("Arabic speakers",
# "who speak Farsi", "de habla árabe").
SPEECH = frozenset(
    {
        "speak", "speaks", "speaking", "speaker", "speakers", "spoken", "tongue",
        "habla", "hablan", "hablante", "hablantes", "hablar", "lengua", "idioma",
    }
)  # fmt: skip
# ... and next to these it is offering one ("in Arabic", "Spanish version").
MEDIUM_BEFORE = frozenset(
    {"in", "into", "en", "al", "translated", "traducido", "traducida", "interpreter", "and",
     "or", "y", "o", "e", "u"}
)  # fmt: skip
MEDIUM_AFTER = frozenset(
    {
        "version", "versions", "translation", "translations", "interpreter", "interpreters",
        "interpretation", "text", "form", "forms", "notice", "traduccion",
        "traducciones", "interprete", "interpretes", "interpretacion", "texto", "aviso",
        "formulario",
    }
)  # fmt: skip

# The sentence's other words say which characteristic a country name stands for.
NATIONALITY_CONTEXT = frozenset(
    {
        "national", "nationals", "nationality", "citizen", "citizens", "citizenship",
        "passport", "passports", "subject", "subjects", "nacional", "nacionales",
        "nacionalidad", "ciudadano", "ciudadanos", "ciudadana", "ciudadanas", "ciudadania",
        "pasaporte", "pasaportes", "ressortissant", "ressortissants", "nationalite",
        "citoyen", "citoyens", "passeport", "passeports",
    }
)  # fmt: skip
BIRTH_CONTEXT = frozenset(
    {"born", "birth", "birthplace", "native", "natives", "nacido", "nacida", "nacidos",
     "nacidas", "nacimiento", "natal", "oriundo", "oriundos", "oriunda", "oriundas", "ne",
     "nee", "nes", "nees", "naissance"}
)  # fmt: skip

# "nationals of the listed countries": a selection whose list is elsewhere.
LIST_WORDS = frozenset(
    {
        "listed", "designated", "following", "certain", "specified", "named", "these",
        "those", "enumerated", "indicated", "selected", "particular", "some", "indicados",
        "indicadas", "designados", "designadas", "siguientes", "enumerados", "listados",
        "determinados", "ciertos", "estos", "esos", "algunos", "seleccionados",
    }
)  # fmt: skip
COUNTRY_WORDS = frozenset({"country", "countries", "nation", "nations", "pais", "paises",
                           "nacion", "naciones"})  # fmt: skip
GROUP_WORDS = (
    NATIONALITY_CONTEXT
    | BIRTH_CONTEXT
    | frozenset({"people", "persons", "men", "women", "from", "personas", "procedentes", "de"})
)

# What a voluntary program may not say: an obligation (negated within a few words, as in
# "no one has to apply", it is not one) ...
OBLIGATION = (
    "must register", "must apply", "must report", "must appear", "must file",
    "must comply", "are required", "is required", "required to", "requires you",
    "have to", "has to", "obliged", "obligated", "obligation", "mandatory", "compulsory",
    "debe registrarse", "deben registrarse", "debe inscribirse", "deben inscribirse",
    "debe presentarse", "deben presentarse", "obligatorio", "obligatoria", "obligado",
    "obligada", "obligados", "obligadas", "obligacion", "tiene que", "tienen que",
)  # fmt: skip
# ... a deadline or a penalty (negated only right before it: "no penalty", "sin multa").
SANCTION = (
    "penalty", "penalties", "fined", "prosecuted", "prosecution", "criminal offense",
    "criminal offence", "misdemeanor", "misdemeanour", "imprisonment", "jail", "prison",
    "detained", "detention", "deported", "deportation", "removal proceedings", "deadline",
    "overdue", "late registration", "failure to register", "failing to register",
    "multa", "multas", "sancion", "sanciones", "carcel", "prision", "detenido",
    "detenida", "detencion", "deportado", "deportada", "deportacion", "fecha limite",
)  # fmt: skip
NEGATION = frozenset({"no", "not", "never", "nobody", "without", "nadie", "nunca", "sin",
                      "ni", "neither", "nor"})  # fmt: skip
