package journal_test

import (
	"bytes"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"

	"concord/internal/journal"
)

// Example shows the journal's flow: the server appends a leaf for an
// accepted write and answers with a receipt, signs a checkpoint and
// completes the receipt; the submitter verifies its receipt and record; an
// auditor checks the whole log, then only what was added since.
func Example() {
	const origin = "concord.example/log"
	skey, vkey, _ := journal.GenerateKey(origin)
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)

	// Server: journal a write. Storage would keep the hashes Append returns,
	// the leaf text, and the record with its salt, in one transaction.
	var log journal.MemoryHashes
	salt, body := journal.NewSalt(), []byte(`{"id":"z_1","kind":"no-fly"}`)
	leaf := journal.Leaf{
		Kind: "zone.create", Record: "z_1", Version: 1, Actor: "H",
		Time: time.Date(2026, 11, 23, 10, 0, 0, 123e6, time.UTC), Commitment: journal.Commit(salt, body),
	}
	if err := leaf.Validate(); err != nil {
		panic(err)
	}
	data := leaf.Marshal()
	index, _ := log.Append(data)
	receipt := journal.NewReceipt(index, data)
	fmt.Printf("%s…\n", data[:bytes.Index(data, []byte("commit"))])

	// Server: sign a checkpoint and complete the receipt.
	sign := func() []byte {
		root, _ := journal.TreeRoot(log.Size(), log)
		signed, _ := journal.Sign(journal.Checkpoint{Origin: origin, Size: log.Size(), Root: root}, signer)
		return signed
	}
	signed := sign()
	c, _ := journal.Open(signed, verifier)
	receipt, _ = receipt.Integrate(signed, c, log)

	// Submitter: check the receipt and that the stored record is the one committed.
	got, err := receipt.Verify(verifier)
	fmt.Println("receipt in checkpoint of size", got.Size, err)
	fmt.Println("record matches:", journal.CheckRecord(leaf, salt, body) == nil)

	// Auditor: the first audit checks every leaf.
	st, report, err := journal.Audit(journal.State{}, verifier, journal.Snapshot{Checkpoint: signed, Leaves: [][]byte{data}})
	fmt.Println(report.OldSize, "→", report.NewSize, err)

	// Later: two more writes; the auditor fetches only the new leaves and a
	// consistency proof from the size it trusts.
	var more [][]byte
	for v := 2; v <= 3; v++ {
		leaf.Version, leaf.Kind = v, "zone.update"
		more = append(more, leaf.Marshal())
		log.Append(more[len(more)-1])
	}
	proof, _ := journal.ConsistencyProof(1, log.Size(), log)
	st, report, err = journal.Audit(st, verifier, journal.Snapshot{Checkpoint: sign(), Start: 1, Leaves: more, Consistency: proof})
	fmt.Println(report.OldSize, "→", report.NewSize, report.Consistency, err)
	fmt.Println("receipt still in the log:", st.CheckReceipt(receipt) == nil)

	// Output:
	// concord-leaf/v1
	// kind zone.create
	// record z_1
	// version 1
	// actor H
	// time 2026-11-23T10:00:00.123Z
	// …
	// receipt in checkpoint of size 1 <nil>
	// record matches: true
	// 0 → 1 <nil>
	// 1 → 3 true <nil>
	// receipt still in the log: true
}
