-- Provider receipts that arrive before the dispatcher has recorded the send they are about: the
-- delivery is still being sent (SendGrid, by delivery id), or its provider message id is not stored
-- yet (Twilio, by message SID). They are applied when the outcome lands, in the same transaction;
-- a sweep applies what a race left over and drops what never matched after a day.
create table early_receipts (
  id                  bigserial   primary key,
  tenant              text        not null,
  delivery_id         uuid,
  provider_message_id text,
  channel             text        not null,
  event               text        not null check (event in ('delivered', 'opened', 'clicked', 'failed')),
  failure_reason      text,
  received_at         timestamptz not null default now(),
  check ((delivery_id is null) <> (provider_message_id is null))
);
create index early_receipts_by_delivery on early_receipts (delivery_id) where delivery_id is not null;
create index early_receipts_by_message on early_receipts (provider_message_id) where provider_message_id is not null;
-- The per-tenant cap counts, and the expiry sweep reads, by age.
create index early_receipts_by_tenant on early_receipts (tenant, received_at);

-- Twilio's callbacks name only the message SID: find its delivery without scanning the tenant's.
create index deliveries_by_provider_message on deliveries (provider_message_id) where provider_message_id is not null;
