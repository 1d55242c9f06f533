"""Reference-manager data: citation fields in Word drafts and CSL-JSON bibliographies."""
