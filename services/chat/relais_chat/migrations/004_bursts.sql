-- A severe conversation opened past its department's or the country's ceiling (a flood): kept and queued, but
-- it no longer goes ahead of every other conversation.
ALTER TABLE chat_sessions ADD COLUMN burst boolean NOT NULL DEFAULT false;
