CREATE TABLE cosignatures (
	size INTEGER NOT NULL,
	witness TEXT NOT NULL,
	signature BLOB NOT NULL,
	t_written INTEGER NOT NULL,
	PRIMARY KEY (size, witness)
)
