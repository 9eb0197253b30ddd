"""The text engine of residents' voices (社情民意): normalisation (text), the taxonomy, keyword
rules, the trained classifier, grouping of near-duplicates and the similar-lookup index. Runs on
the CPU, downloads nothing; see each module."""
