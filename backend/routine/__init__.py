"""The business's own food-safety routine (三件事): its risk-control list, daily checks (日管控), weekly
reviews (周排查) and monthly meetings (月调度)."""
