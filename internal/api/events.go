package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"concord"
)

// events streams the changes the caller may see as Server-Sent Events. Each
// event's id is the journal leaf that recorded it; a client resumes with
// Last-Event-ID (or ?after=). Changes made on this node wake the stream at
// once; changes made by other nodes are found by polling.
func (s *Server) events(c *call) error {
	after, err := lastEventID(c)
	if err != nil {
		return err
	}
	fl, ok := c.w.(http.Flusher)
	if !ok {
		return concord.Errorf(concord.EINTERNAL, "streaming unsupported")
	}
	h := c.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	c.w.WriteHeader(http.StatusOK)
	fmt.Fprintf(c.w, ": concord events for %s\nretry: 2000\n\n", c.actor.Party)
	fl.Flush()
	ctx := c.r.Context()
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	for {
		wake := s.m.Changed()
		next, err := s.sendEvents(c, after)
		if err != nil {
			s.log.Warn("event stream", "party", c.actor.Party, "err", err)
			return nil
		}
		if next != after {
			after = next
			fl.Flush()
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-time.After(s.poll):
		case <-heartbeat.C:
			fmt.Fprint(c.w, ": keep-alive\n\n")
			fl.Flush()
		}
	}
}

func (s *Server) sendEvents(c *call, after int64) (int64, error) {
	evs, next, err := s.m.Events(c.r.Context(), c.actor, after, 500)
	if err != nil {
		return after, err
	}
	for _, ev := range evs {
		b, err := json.Marshal(ev.Data)
		if err != nil {
			return after, err
		}
		if _, err := fmt.Fprintf(c.w, "id: %d\nevent: %s\ndata: %s\n\n", ev.ID, ev.Type, b); err != nil {
			return after, err
		}
	}
	return next, nil
}

func lastEventID(c *call) (int64, error) {
	v := c.r.Header.Get("Last-Event-ID")
	field := "Last-Event-ID"
	if v == "" {
		v, field = c.r.URL.Query().Get("after"), "after"
	}
	if v == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < -1 {
		return 0, concord.Invalid(field, "must be a journal leaf index")
	}
	return n, nil
}
