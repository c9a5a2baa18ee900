-- Deliveries holding a throttle slot, for the relay to take first when their slot comes: behind
-- a run's own unbooked deliveries (due earlier) they would wait, and then leave in a burst.
create index deliveries_throttle_slots on deliveries (next_attempt_at)
  where state = 'pending' and last_error_code = 'campaign_throttle';
