-- A provider's receipt that arrives before Herald has recorded the send it is about (the provider
-- answered, the dispatcher has not written 'sent' yet, and Twilio's message SID is not stored yet)
-- is kept here and applied when the outcome lands. Kept a day at most, and a bounded number per
-- tenant: only signed callbacks write here.
create table early_receipts (
  id              bigint      generated always as identity primary key,
  tenant          text        not null,
  key_kind        text        not null check (key_kind in ('delivery', 'provider_message')),
  key             text        not null,
  state           text        not null check (state in ('delivered', 'opened', 'clicked', 'failed')),
  failure_reason  text,
  suppress_reason text,       -- the address is suppressed for this reason when it is applied
  received_at     timestamptz not null default now()
);
create index early_receipts_by_key on early_receipts (tenant, key_kind, key);
create index early_receipts_by_age on early_receipts (received_at);
