package api

import (
	"net/http"
	"strconv"

	"concord"
)

func (s *Server) journalRoutes() []Route {
	return []Route{
		{"GET", "/v1/journal/key", "The journal's public key (signed-note verifier key).", everyone, false, s.journalKey},
		{"GET", "/v1/journal/checkpoint", "The latest signed checkpoint (C2SP tlog-checkpoint) with its witnesses' cosignatures; ?cosigned=1: the latest cosigned one.", everyone, false, s.checkpoint},
		{"GET", "/v1/journal/checkpoints", "Sizes of every checkpoint ever signed.", everyone, false, s.checkpoints},
		{"GET", "/v1/journal/checkpoints/{size}", "The signed checkpoint of one size.", everyone, false, s.checkpointOfSize},
		{"GET", "/v1/journal/leaves", "Leaves [start, end); with records=1, the records the caller may see.", everyone, false, s.leaves},
		{"GET", "/v1/journal/proof/inclusion", "Inclusion proof of leaf index in the tree of size.", everyone, false, s.inclusion},
		{"GET", "/v1/journal/proof/consistency", "Consistency proof between tree sizes from and to.", everyone, false, s.consistency},
	}
}

func (s *Server) journalKey(c *call) error {
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := c.w.Write([]byte(s.m.VerifierKey() + "\n"))
	return err
}

// checkpoint serves the latest signed checkpoint as a signed note
// (text/plain), as transparency logs do, with the witnesses' cosignatures
// collected for it as further signature lines; ?cosigned=1 serves the latest
// checkpoint that has any cosignature instead.
func (s *Server) checkpoint(c *call) error {
	_, cp, err := s.m.CosignedCheckpoint(c.r.Context(), c.r.URL.Query().Get("cosigned") == "1")
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	c.w.Header().Set("Cache-Control", "no-cache")
	_, err = c.w.Write(cp)
	return err
}

func (s *Server) checkpoints(c *call) error {
	sizes, err := s.m.Store().Checkpoints(c.r.Context())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"sizes": sizes})
}

// checkpointOfSize serves a stored checkpoint: it never changes.
func (s *Server) checkpointOfSize(c *call) error {
	n, err := strconv.ParseInt(c.r.PathValue("size"), 10, 64)
	if err != nil {
		return concord.Invalid("size", "must be an integer")
	}
	cp, err := s.m.StoredCheckpoint(c.r.Context(), n)
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	c.w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err = c.w.Write(cp)
	return err
}

func intParam(c *call, name string, required bool, def int64) (int64, error) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		if required {
			return 0, concord.Invalid(name, "is required")
		}
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, concord.Invalid(name, "must be an integer")
	}
	return n, nil
}

func (s *Server) leaves(c *call) error {
	start, err := intParam(c, "start", true, 0)
	if err != nil {
		return err
	}
	end, err := intParam(c, "end", true, 0)
	if err != nil {
		return err
	}
	ls, err := s.m.Leaves(c.r.Context(), c.actor, start, end, c.r.URL.Query().Get("records") == "1")
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"leaves": ls})
}

func (s *Server) inclusion(c *call) error {
	index, err := intParam(c, "index", true, 0)
	if err != nil {
		return err
	}
	size, err := intParam(c, "size", true, 0)
	if err != nil {
		return err
	}
	p, err := s.m.InclusionProof(c.r.Context(), index, size)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"index": index, "size": size, "proof": p})
}

func (s *Server) consistency(c *call) error {
	from, err := intParam(c, "from", true, 0)
	if err != nil {
		return err
	}
	to, err := intParam(c, "to", true, 0)
	if err != nil {
		return err
	}
	p, err := s.m.ConsistencyProof(c.r.Context(), from, to)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"from": from, "to": to, "proof": p})
}
