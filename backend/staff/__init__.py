"""Staff, their health certificates (健康证明) and the business's food-safety team (三类人)."""
