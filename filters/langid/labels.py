"""fastText lid.176 labels mapped onto GlotLID's ``xxx_Scrp`` label space.

lid.176 speaks ISO 639-1/-3 codes without scripts (``de``, ``zh``, ``sr``, ``als``...); Apertus and
FineWeb-2 speak GlotLID v3 labels: an ISO 639-3 code and an ISO 15924 script. Each lid.176 code maps
to the GlotLID language code (individual languages where GlotLID uses them: ``ar`` -> ``arb``,
``fa`` -> ``pes``, ``et`` -> ``ekk``, ``lv`` -> ``lvs``, ``sw`` -> ``swh``, ``als`` (Wikipedia's
Alemannic) -> ``gsw``) and to the scripts the language is written in; the first is the default, the
others are chosen when the text is in them (``zh`` -> ``cmn_Hans``/``cmn_Hant``, ``sr`` ->
``srp_Cyrl``/``srp_Latn``).

The default identifier's other voters (CLD2 through ``pycld2``, langid.py through ``py3langid``)
speak the same ISO 639-1 codes plus a few dozen of their own; ``map_code`` maps all of them.
"""

from __future__ import annotations

import re

#: A GlotLID-style label: ISO 639 code, underscore, ISO 15924 script (``deu_Latn``).
LABEL_PATTERN = re.compile(r"^[a-z]{2,3}_[A-Z][a-z]{3}$")

# lid.176 code: (ISO 639-3 as GlotLID uses it, scripts, default first)
LID176: dict[str, tuple[str, tuple[str, ...]]] = {
    "af": ("afr", ("Latn",)), "als": ("gsw", ("Latn",)), "am": ("amh", ("Ethi",)), "an": ("arg", ("Latn",)),
    "ar": ("arb", ("Arab",)), "arz": ("arz", ("Arab",)), "as": ("asm", ("Beng",)), "ast": ("ast", ("Latn",)),
    "av": ("ava", ("Cyrl",)), "az": ("azj", ("Latn", "Cyrl")), "azb": ("azb", ("Arab",)),
    "ba": ("bak", ("Cyrl",)), "bar": ("bar", ("Latn",)), "bcl": ("bcl", ("Latn",)), "be": ("bel", ("Cyrl",)),
    "bg": ("bul", ("Cyrl",)), "bh": ("bho", ("Deva",)), "bn": ("ben", ("Beng",)), "bo": ("bod", ("Tibt",)),
    "bpy": ("bpy", ("Beng",)), "br": ("bre", ("Latn",)), "bs": ("bos", ("Latn", "Cyrl")),
    "bxr": ("bxr", ("Cyrl",)), "ca": ("cat", ("Latn",)), "cbk": ("cbk", ("Latn",)), "ce": ("che", ("Cyrl",)),
    "ceb": ("ceb", ("Latn",)), "ckb": ("ckb", ("Arab", "Latn")), "co": ("cos", ("Latn",)),
    "cs": ("ces", ("Latn",)), "cv": ("chv", ("Cyrl",)), "cy": ("cym", ("Latn",)), "da": ("dan", ("Latn",)),
    "de": ("deu", ("Latn",)), "diq": ("diq", ("Latn",)), "dsb": ("dsb", ("Latn",)), "dty": ("dty", ("Deva",)),
    "dv": ("div", ("Thaa",)), "el": ("ell", ("Grek",)), "eml": ("egl", ("Latn",)), "en": ("eng", ("Latn",)),
    "eo": ("epo", ("Latn",)), "es": ("spa", ("Latn",)), "et": ("ekk", ("Latn",)), "eu": ("eus", ("Latn",)),
    "fa": ("pes", ("Arab",)), "fi": ("fin", ("Latn",)), "fr": ("fra", ("Latn",)), "frr": ("frr", ("Latn",)),
    "fy": ("fry", ("Latn",)), "ga": ("gle", ("Latn",)), "gd": ("gla", ("Latn",)), "gl": ("glg", ("Latn",)),
    "gn": ("gug", ("Latn",)), "gom": ("gom", ("Deva", "Latn")), "gu": ("guj", ("Gujr",)),
    "gv": ("glv", ("Latn",)), "he": ("heb", ("Hebr",)), "hi": ("hin", ("Deva",)), "hif": ("hif", ("Latn",)),
    "hr": ("hrv", ("Latn",)), "hsb": ("hsb", ("Latn",)), "ht": ("hat", ("Latn",)), "hu": ("hun", ("Latn",)),
    "hy": ("hye", ("Armn",)), "ia": ("ina", ("Latn",)), "id": ("ind", ("Latn",)), "ie": ("ile", ("Latn",)),
    "ilo": ("ilo", ("Latn",)), "io": ("ido", ("Latn",)), "is": ("isl", ("Latn",)), "it": ("ita", ("Latn",)),
    "ja": ("jpn", ("Jpan",)), "jbo": ("jbo", ("Latn",)), "jv": ("jav", ("Latn", "Java")),
    "ka": ("kat", ("Geor",)), "kk": ("kaz", ("Cyrl", "Latn")), "km": ("khm", ("Khmr",)),
    "kn": ("kan", ("Knda",)), "ko": ("kor", ("Hang",)), "krc": ("krc", ("Cyrl",)), "ku": ("kmr", ("Latn",)),
    "kv": ("kpv", ("Cyrl",)), "kw": ("cor", ("Latn",)), "ky": ("kir", ("Cyrl",)), "la": ("lat", ("Latn",)),
    "lb": ("ltz", ("Latn",)), "lez": ("lez", ("Cyrl",)), "li": ("lim", ("Latn",)), "lmo": ("lmo", ("Latn",)),
    "lo": ("lao", ("Laoo",)), "lrc": ("lrc", ("Arab",)), "lt": ("lit", ("Latn",)), "lv": ("lvs", ("Latn",)),
    "mai": ("mai", ("Deva",)), "mg": ("plt", ("Latn",)), "mhr": ("mhr", ("Cyrl",)), "min": ("min", ("Latn",)),
    "mk": ("mkd", ("Cyrl",)), "ml": ("mal", ("Mlym",)), "mn": ("khk", ("Cyrl", "Mong")),
    "mr": ("mar", ("Deva",)), "mrj": ("mrj", ("Cyrl",)), "ms": ("zsm", ("Latn",)), "mt": ("mlt", ("Latn",)),
    "mwl": ("mwl", ("Latn",)), "my": ("mya", ("Mymr",)), "myv": ("myv", ("Cyrl",)), "mzn": ("mzn", ("Arab",)),
    "nah": ("nah", ("Latn",)), "nap": ("nap", ("Latn",)), "nds": ("nds", ("Latn",)), "ne": ("npi", ("Deva",)),
    "new": ("new", ("Deva",)), "nl": ("nld", ("Latn",)), "nn": ("nno", ("Latn",)), "no": ("nob", ("Latn",)),
    "oc": ("oci", ("Latn",)), "or": ("ory", ("Orya",)), "os": ("oss", ("Cyrl",)), "pa": ("pan", ("Guru",)),
    "pam": ("pam", ("Latn",)), "pfl": ("pfl", ("Latn",)), "pl": ("pol", ("Latn",)), "pms": ("pms", ("Latn",)),
    "pnb": ("pnb", ("Arab",)), "ps": ("pbt", ("Arab",)), "pt": ("por", ("Latn",)), "qu": ("que", ("Latn",)),
    "rm": ("roh", ("Latn",)), "ro": ("ron", ("Latn",)), "ru": ("rus", ("Cyrl",)), "rue": ("rue", ("Cyrl",)),
    "sa": ("san", ("Deva",)), "sah": ("sah", ("Cyrl",)), "sc": ("srd", ("Latn",)), "scn": ("scn", ("Latn",)),
    "sco": ("sco", ("Latn",)), "sd": ("snd", ("Arab",)), "sh": ("hbs", ("Latn", "Cyrl")),
    "si": ("sin", ("Sinh",)), "sk": ("slk", ("Latn",)), "sl": ("slv", ("Latn",)), "so": ("som", ("Latn",)),
    "sq": ("als", ("Latn",)), "sr": ("srp", ("Cyrl", "Latn")), "su": ("sun", ("Latn",)),
    "sv": ("swe", ("Latn",)), "sw": ("swh", ("Latn",)), "ta": ("tam", ("Taml",)), "te": ("tel", ("Telu",)),
    "tg": ("tgk", ("Cyrl",)), "th": ("tha", ("Thai",)), "tk": ("tuk", ("Latn", "Cyrl")),
    "tl": ("tgl", ("Latn",)), "tr": ("tur", ("Latn",)), "tt": ("tat", ("Cyrl",)), "tyv": ("tyv", ("Cyrl",)),
    "ug": ("uig", ("Arab", "Latn", "Cyrl")), "uk": ("ukr", ("Cyrl",)), "ur": ("urd", ("Arab",)),
    "uz": ("uzn", ("Latn", "Cyrl")), "vec": ("vec", ("Latn",)), "vep": ("vep", ("Latn",)),
    "vi": ("vie", ("Latn",)), "vls": ("vls", ("Latn",)), "vo": ("vol", ("Latn",)), "wa": ("wln", ("Latn",)),
    "war": ("war", ("Latn",)), "wuu": ("wuu", ("Hans", "Hant")), "xal": ("xal", ("Cyrl",)),
    "xmf": ("xmf", ("Geor",)), "yi": ("ydd", ("Hebr",)), "yo": ("yor", ("Latn",)), "yue": ("yue", ("Hani",)),
    "zh": ("cmn", ("Hans", "Hant")),
}

# Codes of CLD2 and langid.py beyond lid.176's, as GlotLID labels them; codes for unknown or
# script-only answers (``xx-Latn``, ``zxx``, ``un``) are deliberately absent.
OTHER_CODES: dict[str, tuple[str, tuple[str, ...]]] = {
    "aa": ("aar", ("Latn",)), "ab": ("abk", ("Cyrl",)), "ace": ("ace", ("Latn",)), "ak": ("twi", ("Latn",)),
    "ary": ("ary", ("Arab",)), "ay": ("ayr", ("Latn",)), "bi": ("bis", ("Latn",)), "chr": ("chr", ("Cher",)),
    "crh": ("crh", ("Latn",)), "crs": ("crs", ("Latn",)), "dz": ("dzo", ("Tibt",)), "ee": ("ewe", ("Latn",)),
    "ext": ("ext", ("Latn",)), "fj": ("fij", ("Latn",)), "fo": ("fao", ("Latn",)), "fuv": ("fuv", ("Latn",)),
    "gaa": ("gaa", ("Latn",)), "gcf": ("gcf", ("Latn",)), "gcr": ("gcr", ("Latn",)), "grc": ("grc", ("Grek",)),
    "gug": ("gug", ("Latn",)), "guw": ("guw", ("Latn",)), "ha": ("hau", ("Latn",)), "haw": ("haw", ("Latn",)),
    "hbo": ("hbo", ("Hebr",)), "ig": ("ibo", ("Latn",)), "kab": ("kab", ("Latn",)), "kha": ("kha", ("Latn",)),
    "kik": ("kik", ("Latn",)), "kl": ("kal", ("Latn",)), "kri": ("kri", ("Latn",)), "ks": ("kas", ("Arab",)),
    "lg": ("lug", ("Latn",)), "lij": ("lij", ("Latn",)), "ln": ("lin", ("Latn",)), "loz": ("loz", ("Latn",)),
    "ltg": ("ltg", ("Latn",)), "lua": ("lua", ("Latn",)), "luo": ("luo", ("Latn",)), "mfe": ("mfe", ("Latn",)),
    "mi": ("mri", ("Latn",)), "na": ("nau", ("Latn",)), "nr": ("nbl", ("Latn",)), "nso": ("nso", ("Latn",)),
    "ny": ("nya", ("Latn",)), "om": ("gaz", ("Latn",)), "pcm": ("pcm", ("Latn",)), "rn": ("run", ("Latn",)),
    "rw": ("kin", ("Latn",)), "sdh": ("sdh", ("Arab",)), "se": ("sme", ("Latn",)), "sg": ("sag", ("Latn",)),
    "sm": ("smo", ("Latn",)), "sn": ("sna", ("Latn",)), "ss": ("ssw", ("Latn",)), "st": ("sot", ("Latn",)),
    "syr": ("syc", ("Syrc",)), "ti": ("tir", ("Ethi",)), "tlh": ("tlh", ("Latn",)), "tn": ("tsn", ("Latn",)),
    "to": ("ton", ("Latn",)), "ts": ("tso", ("Latn",)), "tum": ("tum", ("Latn",)), "tw": ("twi", ("Latn",)),
    "uzs": ("uzs", ("Arab",)), "ve": ("ven", ("Latn",)), "wo": ("wol", ("Latn",)), "xh": ("xho", ("Latn",)),
    "za": ("zha", ("Latn",)), "zu": ("zul", ("Latn",)),
}
# Other spellings of codes above: CLD2's deprecated ISO 639-1 codes and its regional variants.
_ALIASES = {"iw": "he", "jw": "jv", "zh-Hant": "zh", "sr-ME": "sr", "nb": "no", "fil": "tl", "mo": "ro"}

# Scripts a text can show for a label's script: Han text may read as either variant or neither.
_COMPATIBLE = {"Hani": {"Hani", "Hans", "Hant"}, "Hans": {"Hans", "Hani"}, "Hant": {"Hant", "Hani"},
               "Jpan": {"Jpan", "Hani", "Hans", "Hant"}, "Hang": {"Hang"}}


def script_agrees(label_script: str, text_script: str) -> bool:
    """Whether a label's script is plausible for a text whose dominant script is ``text_script``."""
    return text_script in _COMPATIBLE.get(label_script, {label_script})


def all_lid176_labels() -> set[str]:
    """Every xxx_Scrp label the lid.176 mapping can produce."""
    return {f"{language}_{script}" for language, scripts in LID176.values() for script in scripts}


def map_code(code: str, text_script: str) -> str | None:
    """``xxx_Scrp`` for any ISO 639 code of lid.176, CLD2 or langid.py on text in ``text_script``;
    ``None`` for codes that name no language or none we know. Kurdish written in Arabic script is
    Central Kurdish (Sorani), whatever the model calls it."""
    code = _ALIASES.get(code, code)
    if code == "ku" and text_script == "Arab":
        return "ckb_Arab"
    language, scripts = LID176.get(code) or OTHER_CODES.get(code) or (None, ())
    if language is None:
        return None
    return f"{language}_{text_script if text_script in scripts else scripts[0]}"
