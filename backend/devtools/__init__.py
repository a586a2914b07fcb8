"""Development helpers: the embedded run and a loopback imitation of WeChat's login API."""
