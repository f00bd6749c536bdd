"""The tracking stage: what the public says about a complaint after it was filed and resolved.

``stance`` reads whether a post after the resolution says the problem is still there or was
fixed; ``reopen`` finds resolved complaints the public still reports (reopen candidates).
"""
