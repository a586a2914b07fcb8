"""The years of the working-day calendar an admin loads (holidays and make-up working days)."""
