"""Pure helpers for the Streamlit page (``app.py``), one module per concern: ``highlight`` (claims and
passages marked in text), ``factview`` (fact tables and charts) and ``documents`` (the document list and
what an action did). Nothing here searches or indexes: each function formats what
:class:`~nekb.KnowledgeBase` returned, so the page stays thin and these can be tested without Streamlit.
"""
