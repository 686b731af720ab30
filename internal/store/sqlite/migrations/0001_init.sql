CREATE TABLE versions (
	id TEXT NOT NULL,
	version INTEGER NOT NULL,
	type TEXT NOT NULL,
	owner TEXT NOT NULL,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	t_start INTEGER NOT NULL,
	t_end INTEGER,
	body BLOB NOT NULL,
	salt BLOB NOT NULL,
	leaf INTEGER NOT NULL UNIQUE,
	t_written INTEGER NOT NULL,
	PRIMARY KEY (id, version)
)
;
CREATE TABLE records (
	id TEXT PRIMARY KEY,
	type TEXT NOT NULL,
	version INTEGER NOT NULL,
	owner TEXT NOT NULL,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	t_start INTEGER NOT NULL,
	t_end INTEGER
)
;
CREATE INDEX records_type_kind ON records (type, kind, id)
;
CREATE INDEX records_owner ON records (owner, type)
;
CREATE TABLE record_cells (
	cell INTEGER NOT NULL,
	id TEXT NOT NULL,
	PRIMARY KEY (cell, id)
)
;
CREATE INDEX record_cells_id ON record_cells (id)
;
CREATE TABLE leaves (
	idx INTEGER PRIMARY KEY,
	data BLOB NOT NULL,
	hash BLOB NOT NULL
)
;
CREATE TABLE hashes (
	idx INTEGER PRIMARY KEY,
	hash BLOB NOT NULL
)
;
CREATE TABLE checkpoints (
	size INTEGER PRIMARY KEY,
	note BLOB NOT NULL,
	t_written INTEGER NOT NULL
)
;
CREATE TABLE tokens (
	hash BLOB PRIMARY KEY,
	party TEXT NOT NULL
)
;
CREATE TABLE idempotency (
	actor TEXT NOT NULL,
	ikey TEXT NOT NULL,
	request_hash BLOB NOT NULL,
	status INTEGER NOT NULL,
	body BLOB NOT NULL,
	leaves TEXT NOT NULL,
	t_written INTEGER NOT NULL,
	PRIMARY KEY (actor, ikey)
)
