"""Dominant writing system (ISO 15924) of a text.

Used to map fastText's lid.176 labels onto ``xxx_Scrp`` labels (``zh`` is ``cmn_Hans`` or
``cmn_Hant``, ``sr`` is ``srp_Cyrl`` or ``srp_Latn`` by the text's script), and to answer
``und_Xxxx`` when a model's label contradicts the text's script.

Speed matters (it runs on every document next to fastText), so a sample of the text is mapped
through a precomputed code-point -> script table with numpy instead of a Python loop per character.
Japanese (kana with or without Han) is ``Jpan``; Korean is ``Hang``; Han text is ``Hans`` or
``Hant`` when it contains characters that exist in only one of the two systems, else ``Hani``.

Scripts are weighed by what a character carries, not counted raw: a Han character, a kana or a
Hangul syllable stands for about a syllable or a morpheme, where a Latin letter is a fraction of
one. Counted raw, a Chinese sentence holding ``settings.py`` or ``DEFAULT_AUTO_FIELD`` was "Latin"
and got an English label. ``script_shares`` gives every script's weighed share, so the identifier
can let the model choose among the scripts a text really uses.
"""

from __future__ import annotations

import numpy as np

# (first, last, script) ranges of the scripts we report; everything else is "Zyyy" (common/unknown).
_RANGES: list[tuple[int, int, str]] = [
    (0x0041, 0x005A, "Latn"), (0x0061, 0x007A, "Latn"), (0x00C0, 0x024F, "Latn"), (0x1E00, 0x1EFF, "Latn"),
    (0x2C60, 0x2C7F, "Latn"), (0xA720, 0xA7FF, "Latn"), (0xFF21, 0xFF3A, "Latn"), (0xFF41, 0xFF5A, "Latn"),
    (0x0370, 0x03FF, "Grek"), (0x1F00, 0x1FFF, "Grek"),
    (0x0400, 0x052F, "Cyrl"), (0x1C80, 0x1C8F, "Cyrl"), (0x2DE0, 0x2DFF, "Cyrl"), (0xA640, 0xA69F, "Cyrl"),
    (0x0530, 0x058F, "Armn"), (0x0590, 0x05FF, "Hebr"), (0xFB1D, 0xFB4F, "Hebr"),
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x08A0, 0x08FF, "Arab"), (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x0700, 0x074F, "Syrc"), (0x0780, 0x07BF, "Thaa"), (0x07C0, 0x07FF, "Nkoo"), (0x2D30, 0x2D7F, "Tfng"),
    (0x0900, 0x097F, "Deva"), (0xA8E0, 0xA8FF, "Deva"), (0x0980, 0x09FF, "Beng"), (0x0A00, 0x0A7F, "Guru"),
    (0x0A80, 0x0AFF, "Gujr"), (0x0B00, 0x0B7F, "Orya"), (0x0B80, 0x0BFF, "Taml"), (0x0C00, 0x0C7F, "Telu"),
    (0x0C80, 0x0CFF, "Knda"), (0x0D00, 0x0D7F, "Mlym"), (0x0D80, 0x0DFF, "Sinh"), (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Laoo"), (0x0F00, 0x0FFF, "Tibt"), (0x1000, 0x109F, "Mymr"), (0xAA60, 0xAA7F, "Mymr"),
    (0x10A0, 0x10FF, "Geor"), (0x2D00, 0x2D2F, "Geor"), (0x1C90, 0x1CBF, "Geor"),
    (0x1100, 0x11FF, "Hang"), (0x3130, 0x318F, "Hang"), (0xA960, 0xA97F, "Hang"), (0xAC00, 0xD7AF, "Hang"),
    (0x1200, 0x139F, "Ethi"), (0x2D80, 0x2DDF, "Ethi"), (0x13A0, 0x13FF, "Cher"), (0xAB70, 0xABBF, "Cher"),
    (0x1400, 0x167F, "Cans"), (0x18B0, 0x18FF, "Cans"), (0x1780, 0x17FF, "Khmr"), (0x1800, 0x18AF, "Mong"),
    (0x1A20, 0x1AAF, "Lana"), (0xA980, 0xA9DF, "Java"), (0xAA80, 0xAADF, "Tavt"), (0x11100, 0x1114F, "Cakm"),
    (0x1E900, 0x1E95F, "Adlm"), (0x11300, 0x1137F, "Gran"), (0xA500, 0xA63F, "Vaii"), (0xA000, 0xA4CF, "Yiii"),
    (0x1C50, 0x1C7F, "Olck"), (0x2C80, 0x2CFF, "Copt"),
    (0x3040, 0x309F, "Hira"), (0x30A0, 0x30FF, "Kana"), (0x31F0, 0x31FF, "Kana"), (0xFF66, 0xFF9F, "Kana"),
    (0x3400, 0x4DBF, "Hani"), (0x4E00, 0x9FFF, "Hani"), (0xF900, 0xFAFF, "Hani"), (0x20000, 0x2FA1F, "Hani"),
]
# Characters that exist only in simplified (first) or only in traditional (second) Chinese.
_SIMPLIFIED = "这个们来时会说对国为发学后过还现开关经见长问门间东车头书话电马鸟鱼风语认识让请谢读写买卖钱银铁园图进远运边样机权条极业亲义乐应当总虽与两众华单历厂广压县区医号听员团报场声处备复夺妇实宽导层岁带帮并庆库张强归录忆怀态恶战护择换据数斗无旧显术杀杂汉没济满灯热爱环产画疗监盘确礼种积称穷笔节类红级纪约纸线练组细终结给统继续维网罗职联脑办务动劳势协卫却厅参双变叶吗吴响围坏块坚体简"
_TRADITIONAL = "這個們來時會說對國為發學後過還現開關經見長問門間東車頭書話電馬鳥魚風語認識讓請謝讀寫買賣錢銀鐵園圖進遠運邊樣機權條極業親義樂應當總雖與兩眾華單歷廠廣壓縣區醫號聽員團報場聲處備復奪婦實寬導層歲帶幫並慶庫張強歸錄憶懷態惡戰護擇換據數鬥無舊顯術殺雜漢沒濟滿燈熱愛環產畫療監盤確禮種積稱窮筆節類紅級紀約紙線練組細終結給統繼續維網羅職聯腦辦務動勞勢協衛卻廳參雙變葉嗎吳響圍壞塊堅體簡"

SCRIPTS: tuple[str, ...] = ("Zyyy",) + tuple(sorted({script for *_, script in _RANGES}))
_ID = {script: index for index, script in enumerate(SCRIPTS)}
_TABLE_SIZE = 0x30000
_TABLE = np.zeros(_TABLE_SIZE, dtype=np.uint8)
for _first, _last, _script in _RANGES:
    _TABLE[_first:min(_last, _TABLE_SIZE - 1) + 1] = _ID[_script]
_HAN_VARIANT = np.zeros(_TABLE_SIZE, dtype=np.int8)  # +1 simplified-only, -1 traditional-only
_HAN_VARIANT[[ord(c) for c in _SIMPLIFIED]] = 1
_HAN_VARIANT[[ord(c) for c in _TRADITIONAL]] = -1
_HANI, _HIRA, _KANA, _HANG = (_ID[s] for s in ("Hani", "Hira", "Kana", "Hang"))

SAMPLE_CHARS = 1000  # enough letters to tell the script, cheap next to fastText
#: Weight of one character of a script whose characters are syllables or morphemes, against one
#: letter of an alphabet: about the letters of a syllable.
SYLLABIC_WEIGHT = 3
_WEIGHT_OF = [SYLLABIC_WEIGHT if script in ("Hani", "Hira", "Kana", "Hang", "Yiii", "Vaii", "Cans", "Ethi", "Cher")
              else 1 for script in SCRIPTS]


def _script_counts(text: str, sample_chars: int) -> tuple[np.ndarray, np.ndarray]:
    """(characters per script id, the sampled code points) for the first ``sample_chars`` characters."""
    codes = np.frombuffer(text[:sample_chars].encode("utf-32-le"), dtype=np.uint32)
    codes = codes[codes < _TABLE_SIZE]
    return np.bincount(_TABLE[codes], minlength=len(SCRIPTS)), codes


def script_shares(text: str, sample_chars: int = SAMPLE_CHARS) -> list[tuple[str, float]]:
    """``[(script, share of the weighed letters), ...]``, largest first; ``[]`` without letters."""
    counts_array, codes = _script_counts(text, sample_chars)
    counts_array[0] = 0
    # script id -> weighed letters, for the few scripts present (plain ints: cheaper than numpy's)
    counts = {int(i): int(counts_array[i]) * _WEIGHT_OF[i] for i in np.flatnonzero(counts_array)}
    if not counts:
        return []
    jpan = counts.pop(_HIRA, 0) + counts.pop(_KANA, 0)
    if jpan:  # Japanese mixes kana and Han: together they are one script, Jpan
        jpan += counts.pop(_HANI, 0)
    han = "Hani"
    if _HANI in counts and _HANG in counts:  # Korean with Hanja is Korean
        counts[_HANG] += counts.pop(_HANI)
    elif _HANI in counts:  # Chinese shows its system when it uses a character only one system has
        variant = int(_HAN_VARIANT[codes].sum())
        han = "Hans" if variant > 0 else "Hant" if variant < 0 else "Hani"
    total = sum(counts.values()) + jpan
    shares = [(han if i == _HANI else SCRIPTS[i], count / total) for i, count in counts.items()]
    if jpan:
        shares.append(("Jpan", jpan / total))
    return sorted(shares, key=lambda item: -item[1]) if len(shares) > 1 else shares


def dominant_script(text: str, sample_chars: int = SAMPLE_CHARS) -> str:
    """ISO 15924 code of the script with the largest weighed share of ``text``; ``Zyyy`` when it has
    no letters."""
    shares = script_shares(text, sample_chars)
    return shares[0][0] if shares else "Zyyy"
