CREATE TABLE cosignatures (
	size BIGINT NOT NULL,
	witness TEXT NOT NULL,
	signature BYTEA NOT NULL,
	t_written BIGINT NOT NULL,
	PRIMARY KEY (size, witness)
)
