"""The language of figures and explorers: English (the default) or Chinese (中文).

A notebook's first code cell chooses it with :func:`set_language` (``"en"`` or ``"zh"``); the
Chinese edition in ``notebooks/zh/`` says ``set_language("zh")``. The package's code and its
tests are written in English; in Chinese, :func:`tr` turns each text a learner reads into
Chinese at the one place it reaches the screen:

- figure text (titles, axis labels, legends, annotations): every matplotlib ``Text`` passes
  through :func:`tr` when its text is set, so a figure is laid out with the Chinese it shows;
- explorer controls, buttons, titles, status lines, notices, errors and progress lines:
  ``dlnotes.explorers.base`` passes them through :func:`tr`;
- the exercises' verdicts (``dlnotes.exercises.check``).

The Chinese text is the table :data:`ZH` (whole strings) and :data:`ZH_PATTERNS` (strings with
numbers or names in them, as regular expressions). Multi-part text ("a · b", several lines) is
translated part by part. Terms follow the glossary (``dlnotes.glossary``). Chinese glyphs come
from the CJK font that :mod:`dlnotes.style` adds to every figure's font list.
"""

from __future__ import annotations

import re
from functools import lru_cache

import matplotlib.text

LANGUAGES = ("en", "zh")
"""The languages the collection is written in: English and Simplified Chinese."""

_current = "en"


def set_language(lang: str) -> None:
    """Show figures, explorers and self-check verdicts in ``lang``: ``"en"`` or ``"zh"`` (中文)."""
    global _current
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise ValueError(f"set_language: lang must be one of {LANGUAGES}, got {lang!r}")
    _current = lang
    if lang != "en":
        _translate_figure_text()


def language() -> str:
    """The current language: ``"en"`` or ``"zh"``."""
    return _current


def tr(text):
    """``text`` in the current language: itself in English; in Chinese, its entry in :data:`ZH`.

    Anything that is not a string, or has no English words (numbers, tick labels, Chinese
    already), comes back unchanged, and so does text the tables do not know."""
    if _current == "en" or not isinstance(text, str) or not _ENGLISH.search(text):
        return text
    return _zh(text)


def untranslated(text: str) -> list[str]:
    """The English words left in ``text`` once translated (tests use it): none for a known text."""
    shown = _zh(text) if isinstance(text, str) else ""
    shown = re.sub(r"\$[^$]*\$", " ", shown)  # mathtext: symbols, not words
    shown = re.sub(r"<[^>]+>", " ", shown)  # HTML tags
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", shown) if w not in KEPT]


_ENGLISH = re.compile(r"[A-Za-z]{2}")
_SEPARATORS = re.compile(r"(\n| · |; |: (?=[A-Za-z]))")


@lru_cache(maxsize=8192)
def _zh(text: str) -> str:
    if text in ZH:
        return ZH[text]
    stripped = text.strip()
    if stripped != text and stripped:
        return text.replace(stripped, _zh(stripped))
    for pattern, template in _COMPILED:
        m = pattern.fullmatch(text)
        if m:
            return template.format(*(_zh(g) if g else "" for g in m.groups()))
    parts = _SEPARATORS.split(text)
    if len(parts) > 1:
        return "".join(_zh(p) if i % 2 == 0 else _SEPARATOR_ZH.get(p, p) for i, p in enumerate(parts))
    return text


_SEPARATOR_ZH = {"; ": "；", ": ": "："}

# --- figure text --------------------------------------------------------------------------------
_original_set_text = matplotlib.text.Text.set_text


def _set_text(self, s):
    return _original_set_text(self, tr(s) if isinstance(s, str) else s)


def _translate_figure_text() -> None:
    """Route every matplotlib text through :func:`tr` (once; English passes through unchanged)."""
    if matplotlib.text.Text.set_text is not _set_text:
        matplotlib.text.Text.set_text = _set_text


# --- the tables -----------------------------------------------------------------------------------
KEPT = frozenset("""
ReLU Leaky GELU ELU SELU Sigmoid sigmoid tanh Tanh softmax Softmax MSE MAE SGD Momentum AdaGrad
Adagrad RMSProp RMSprop Adam AdamW Nesterov Xavier Glorot He LeCun MNIST Fashion-MNIST CIFAR XOR AND
NAND NOR XNOR MLP CNN RNN LSTM GRU GAN DCGAN Keras TensorFlow NumPy numpy TF Conv2D MaxPool2D
AvgPool2D Dense Dropout BatchNorm Affine SimpleRNN Flatten im2col col2im dtype float16 float32 float64
int8 int32 int64 bfloat16 GPU CPU PNG API argmax logits logit max min exp log sin cos sqrt abs
""".split())
"""English words that stay English in the Chinese edition: names of functions, layers,
optimisers, datasets and formats (code identifiers, as in 动手学深度学习)."""

ZH: dict[str, str] = {
    # explorers/base.py: what every explorer shows
    "Note": "注意",
    "This setting cannot be drawn": "无法绘制这个设置",
    "play / pause": "播放 / 暂停",
    # exercises.check
    "not attempted yet — fill in `answer` above and run this cell again.":
        "尚未作答——请在上面填写 `answer`，然后重新运行本单元格。",
    "not attempted yet — replace the `raise NotImplementedError` with your code.":
        "尚未作答——请把 `raise NotImplementedError` 换成你的代码。",
    "correct!": "正确！",
}
"""English text -> its Chinese, for whole strings."""

ZH_PATTERNS: list[tuple[str, str]] = [
    # (regular expression over the whole English text, Chinese template). In the template,
    # {0}, {1}, ... are the groups, each translated in turn (a number stays a number).
    (r"Exercise (\d+\.\d+)", "练习 {0}"),
]
"""English text with numbers or names inside -> its Chinese."""

_COMPILED = [(re.compile(p, re.S), t) for p, t in ZH_PATTERNS]
