"""Food businesses: registration, licences, documents, members, review, public codes."""
