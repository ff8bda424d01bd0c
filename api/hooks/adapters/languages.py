"""Language codes as vendors send them (ISO 639-1, 639-2/B, 639-3, locales) → BCP-47 tags.

BCP-47 uses the two-letter ISO 639-1 code when one exists and the three-letter ISO 639-3 code
otherwise, so `eng` → `en`, `fre`/`fra` → `fr`, but `yue` (Cantonese) stays `yue`.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

# ISO 639-1 code → ISO 639-3 (terminological) code, for every language that has a 639-1 code.
_ISO_639_1_TO_3: Final = {
    "aa": "aar", "ab": "abk", "ae": "ave", "af": "afr", "ak": "aka", "am": "amh", "an": "arg",
    "ar": "ara", "as": "asm", "av": "ava", "ay": "aym", "az": "aze", "ba": "bak", "be": "bel",
    "bg": "bul", "bi": "bis", "bm": "bam", "bn": "ben", "bo": "bod", "br": "bre", "bs": "bos",
    "ca": "cat", "ce": "che", "ch": "cha", "co": "cos", "cr": "cre", "cs": "ces", "cu": "chu",
    "cv": "chv", "cy": "cym", "da": "dan", "de": "deu", "dv": "div", "dz": "dzo", "ee": "ewe",
    "el": "ell", "en": "eng", "eo": "epo", "es": "spa", "et": "est", "eu": "eus", "fa": "fas",
    "ff": "ful", "fi": "fin", "fj": "fij", "fo": "fao", "fr": "fra", "fy": "fry", "ga": "gle",
    "gd": "gla", "gl": "glg", "gn": "grn", "gu": "guj", "gv": "glv", "ha": "hau", "he": "heb",
    "hi": "hin", "ho": "hmo", "hr": "hrv", "ht": "hat", "hu": "hun", "hy": "hye", "hz": "her",
    "ia": "ina", "id": "ind", "ie": "ile", "ig": "ibo", "ii": "iii", "ik": "ipk", "io": "ido",
    "is": "isl", "it": "ita", "iu": "iku", "ja": "jpn", "jv": "jav", "ka": "kat", "kg": "kon",
    "ki": "kik", "kj": "kua", "kk": "kaz", "kl": "kal", "km": "khm", "kn": "kan", "ko": "kor",
    "kr": "kau", "ks": "kas", "ku": "kur", "kv": "kom", "kw": "cor", "ky": "kir", "la": "lat",
    "lb": "ltz", "lg": "lug", "li": "lim", "ln": "lin", "lo": "lao", "lt": "lit", "lu": "lub",
    "lv": "lav", "mg": "mlg", "mh": "mah", "mi": "mri", "mk": "mkd", "ml": "mal", "mn": "mon",
    "mr": "mar", "ms": "msa", "mt": "mlt", "my": "mya", "na": "nau", "nb": "nob", "nd": "nde",
    "ne": "nep", "ng": "ndo", "nl": "nld", "nn": "nno", "no": "nor", "nr": "nbl", "nv": "nav",
    "ny": "nya", "oc": "oci", "oj": "oji", "om": "orm", "or": "ori", "os": "oss", "pa": "pan",
    "pi": "pli", "pl": "pol", "ps": "pus", "pt": "por", "qu": "que", "rm": "roh", "rn": "run",
    "ro": "ron", "ru": "rus", "rw": "kin", "sa": "san", "sc": "srd", "sd": "snd", "se": "sme",
    "sg": "sag", "si": "sin", "sk": "slk", "sl": "slv", "sm": "smo", "sn": "sna", "so": "som",
    "sq": "sqi", "sr": "srp", "ss": "ssw", "st": "sot", "su": "sun", "sv": "swe", "sw": "swa",
    "ta": "tam", "te": "tel", "tg": "tgk", "th": "tha", "ti": "tir", "tk": "tuk", "tl": "tgl",
    "tn": "tsn", "to": "ton", "tr": "tur", "ts": "tso", "tt": "tat", "tw": "twi", "ty": "tah",
    "ug": "uig", "uk": "ukr", "ur": "urd", "uz": "uzb", "ve": "ven", "vi": "vie", "vo": "vol",
    "wa": "wln", "wo": "wol", "xh": "xho", "yi": "yid", "yo": "yor", "za": "zha", "zh": "zho",
    "zu": "zul",
}  # fmt: skip

# ISO 639-2/B (bibliographic) codes that differ from 639-3, and the individual languages vendors
# report for a macrolanguage (Mandarin for Chinese, Standard Arabic, Iranian Persian…).
_OTHER_THREE_LETTER: Final = {
    "alb": "sq", "arm": "hy", "baq": "eu", "bur": "my", "chi": "zh", "cze": "cs", "dut": "nl",
    "fre": "fr", "geo": "ka", "ger": "de", "gre": "el", "ice": "is", "mac": "mk", "mao": "mi",
    "may": "ms", "per": "fa", "rum": "ro", "slo": "sk", "tib": "bo", "wel": "cy",
    "cmn": "zh", "arb": "ar", "pes": "fa", "zsm": "ms", "ekk": "et", "lvs": "lv", "swh": "sw",
    "azj": "az", "uzn": "uz", "khk": "mn", "npi": "ne", "ydd": "yi", "plt": "mg",
}  # fmt: skip

THREE_TO_BCP47: Final = MappingProxyType(
    {three: two for two, three in _ISO_639_1_TO_3.items()} | _OTHER_THREE_LETTER
)
_UNKNOWN: Final = frozenset({"und", "zxx", "mul", "mis", "unknown", "undefined", "other", "none"})
_TAG: Final = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


def bcp47_language(value: object) -> str | None:
    """The BCP-47 tag of a vendor's language code, or None when unknown or unusable.

    `eng` → `en`, `FRA` → `fr`, `en_US` → `en-US`, `pt-br` → `pt-BR`, `und` → None.
    """
    if not isinstance(value, str):
        return None
    candidate = value.strip().replace("_", "-")
    if not candidate or len(candidate) > 35 or not _TAG.fullmatch(candidate):
        return None
    primary, *subtags = candidate.split("-")
    primary = primary.lower()
    if primary in _UNKNOWN:
        return None
    if len(primary) == 3:
        primary = THREE_TO_BCP47.get(primary, primary)
    elif len(primary) != 2:
        return None  # 4-8 letter primary subtags are reserved or registered oddities
    # Region subtags are upper case by convention (`pt-BR`), scripts title case (`zh-Hant`).
    formatted = [
        tag.upper() if len(tag) == 2 else tag.title() if len(tag) == 4 else tag.lower()
        for tag in subtags
    ]
    return "-".join([primary, *formatted])
