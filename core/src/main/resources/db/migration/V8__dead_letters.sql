-- Dead letters are the deliveries that failed after every attempt (a provider that kept failing,
-- or handling that kept failing outside it): listed per tenant by age, and requeued from there.
create index deliveries_dead_letters on deliveries (tenant, updated_at)
  where state = 'failed' and failure_reason in ('exhausted', 'internal_error');

-- When deliveries of a notification were last requeued: the operator polls it to bring a finished
-- Notification's status back to Dispatching.
alter table notifications add column requeued_at timestamptz;
create index notifications_requeued on notifications (requeued_at) where requeued_at is not null;
