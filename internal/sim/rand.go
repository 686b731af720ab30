package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"strings"
)

// The simulator's randomness is all drawn from its seed, in two ways:
//
//   - streams: each part of the scenario (each party's fleet, the convoys,
//     the reports) has its own PCG stream, so that drawing more in one part
//     never changes another;
//   - keyed draws: an actor's reaction to something it learns (how soon it
//     acknowledges an alert, what it answers) is a hash of the seed and a
//     stable description of that thing, so it does not depend on the order
//     in which things are learnt — the journal may record the alerts of one
//     detection pass in any order.

// streamOf returns the PCG stream selector of a named part of the scenario.
func streamOf(name string) uint64 {
	sum := sha256.Sum256([]byte("concord-sim/stream\x00" + name))
	return binary.BigEndian.Uint64(sum[:8])
}

// draw is a uniform number in [0, 1) that depends only on seed and key.
func draw(seed uint64, key ...string) float64 {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seed)
	sum := sha256.Sum256([]byte("concord-sim/draw\x00" + string(b[:]) + strings.Join(key, "\x00")))
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
}

// keyed returns a PCG generator that depends only on seed and key, for an
// actor's decision that needs several draws.
func keyed(seed uint64, key ...string) *rand.Rand {
	sum := sha256.Sum256([]byte("concord-sim/keyed\x00" + strings.Join(key, "\x00")))
	return rand.New(rand.NewPCG(seed, binary.BigEndian.Uint64(sum[:8])))
}

// rngFor returns the PCG stream of a named part of the scenario.
func rngFor(seed uint64, name string) *rand.Rand {
	return rand.New(rand.NewPCG(seed, streamOf(name)))
}
