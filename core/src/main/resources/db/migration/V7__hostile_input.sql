-- Provider callbacks already honoured, by the provider's own id: Twilio signs no timestamp, so a
-- captured STOP, START or status callback could otherwise be replayed at any later time.
create table webhook_receipts (
  tenant      text        not null,
  provider    text        not null,
  kind        text        not null,
  provider_id text        not null,
  received_at timestamptz not null default now(),
  primary key (tenant, provider, kind, provider_id)
);
create index webhook_receipts_by_age on webhook_receipts (received_at);
