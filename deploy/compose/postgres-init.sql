-- Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d), as POSTGRES_USER.
-- One database per service: services never share tables. Each service migrates its own schema at start
-- (and would create its database itself if missing, when its role may).
CREATE DATABASE relais_intake;
CREATE DATABASE relais_routing;
CREATE DATABASE relais_chat;
CREATE DATABASE relais_escalation;
CREATE DATABASE relais_followup;
CREATE DATABASE relais_stats;
