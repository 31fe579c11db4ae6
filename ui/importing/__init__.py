"""The import page's steps, one module each: upload, registration (förbund and document), review, publish.

Every write (publish, replace, withdraw) asks lib.editors again at the moment of the click, and
lib.store refuses a write without an Editor: the menu hiding the page is not the protection.
"""
