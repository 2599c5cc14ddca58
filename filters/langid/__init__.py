"""Language identification in GlotLID's ``xxx_Scrp`` label space: any fastText LID model (GlotLID
or the bundled lid.176), our own script detector, and the language stage's labelling filter and
language-partitioned writer."""

from clearweb.filters.langid.identifier import LanguageIdentifier

__all__ = ["LanguageIdentifier"]
