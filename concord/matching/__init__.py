"""Person-name matching: normalise, transliterate, index, score and explain.

A name in any script becomes a list of tokens, each with its Latin forms, a
consonant skeleton and the name symbols rigour knows for it; a query's tokens
are aligned with a candidate's, and the alignment is both the score and the
explanation an officer reads.
"""
