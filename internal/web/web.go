// Package web serves concord's console: static assets embedded in the binary
// (plain ES modules, Leaflet and a Natural Earth basemap; no build step), so
// the console works with no network beyond concord itself.
//
// Every asset is served twice: under its own name (Cache-Control: no-cache,
// with an ETag) and under a content-hashed name, name.<hash>.ext, cached as
// immutable (RFC 8246). index.html refers only to hashed names; an import map
// sends the modules' relative imports to their hashed names too, so a new
// binary never meets a stale module in a browser cache.
//
// The page carries a Content-Security-Policy that allows scripts, styles,
// connections and images from concord itself only (and the operator's tile
// server's origin, when one is configured): the browser refuses to reach
// anywhere else even if a bug asked it to.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"
)

//go:embed assets
var embedded embed.FS

// Config configures the console.
type Config struct {
	// TilesURL is an optional raster XYZ tile layer drawn under the embedded
	// vector basemap, e.g. https://tiles.example.org/{z}/{x}/{y}.png: the
	// operator's own tile server. Empty: none.
	TilesURL string
}

// Validate checks TilesURL: an absolute http(s) URL with {z}, {x} and {y}.
func (c Config) Validate() error {
	if c.TilesURL == "" {
		return nil
	}
	u, err := url.Parse(c.TilesURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("tiles URL %q: must be an absolute http or https URL", c.TilesURL)
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(c.TilesURL, p) {
			return fmt.Errorf("tiles URL %q: must contain %s", c.TilesURL, p)
		}
	}
	return nil
}

// asset is one file as served.
type asset struct {
	body, gz  []byte // gz: nil when compression does not pay
	ctype     string
	etag      string
	immutable bool
}

// handler serves the console.
type handler struct {
	assets map[string]*asset // by URL path
	index  *asset
	csp    string
}

// Handler returns the console's handler: / (index.html) and /assets/...
// Anything else is 404. An invalid TilesURL is left out (Validate first).
func Handler(c Config) http.Handler {
	if c.Validate() != nil {
		c.TilesURL = ""
	}
	h := &handler{assets: map[string]*asset{}}
	hashed := map[string]string{} // /assets/x.js -> /assets/x.<hash>.js
	err := fs.WalkDir(embedded, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		h.add("/"+p, hashedName("/"+p, b), b, hashed)
		return nil
	})
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	page, importMap := renderIndex(c, hashed)
	h.index = newAsset(page, "text/html; charset=utf-8", false)
	h.csp = policy(c, importMap)
	return h
}

func (h *handler) add(plain, hashedPath string, b []byte, hashed map[string]string) {
	ctype := contentType(plain)
	h.assets[plain] = newAsset(b, ctype, false)
	h.assets[hashedPath] = newAsset(b, ctype, true)
	hashed[plain] = hashedPath
}

// hashedName inserts the first 10 hex digits of b's SHA-256 before the
// extension: /assets/js/main.js -> /assets/js/main.1a2b3c4d5e.js.
func hashedName(p string, b []byte) string {
	sum := sha256.Sum256(b)
	ext := path.Ext(p)
	return strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:5]) + ext
}

func newAsset(b []byte, ctype string, immutable bool) *asset {
	sum := sha256.Sum256(b)
	a := &asset{body: b, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, immutable: immutable}
	if compressible(ctype) && len(b) > 1024 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		if buf.Len() < len(b)*9/10 {
			a.gz = buf.Bytes()
		}
	}
	return a
}

var types = map[string]string{
	".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8", ".json": "application/json", ".geojson": "application/geo+json",
	".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8",
	".md": "text/markdown; charset=utf-8", ".wasm": "application/wasm",
}

func contentType(p string) string {
	if t, ok := types[path.Ext(p)]; ok {
		return t
	}
	if path.Base(p) == "LICENSE" {
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

// renderIndex fills index.html's placeholders: {{asset PATH}} with hashed
// URLs, {{importmap}} with the modules' import map and {{tiles}} with the
// tile URL (HTML-escaped). It returns the page and the import map's text.
func renderIndex(c Config, hashed map[string]string) ([]byte, string) {
	src, err := embedded.ReadFile("assets/index.html")
	if err != nil {
		panic(err)
	}
	imports := map[string]string{}
	for plain, h := range hashed {
		if strings.HasSuffix(plain, ".js") && strings.HasPrefix(plain, "/assets/js/") {
			imports[plain] = h
		}
	}
	im, _ := json.Marshal(map[string]any{"imports": imports})
	page := string(src)
	keys := make([]string, 0, len(hashed))
	for k := range hashed {
		keys = append(keys, k)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(keys))) // longer paths before their prefixes
	for _, k := range keys {
		page = strings.ReplaceAll(page, "{{asset "+strings.TrimPrefix(k, "/assets/")+"}}", hashed[k])
	}
	page = strings.Replace(page, "{{importmap}}", string(im), 1)
	page = strings.Replace(page, "{{tiles}}", html.EscapeString(c.TilesURL), 1)
	return []byte(page), string(im)
}

// policy is the page's Content-Security-Policy. The inline import map is
// allowed by its hash (CSP3 hash-source); nothing else inline runs.
func policy(c Config, importMap string) string {
	sum := sha256.Sum256([]byte(importMap))
	img := "'self' data: blob:"
	if c.TilesURL != "" {
		u, _ := url.Parse(c.TilesURL)
		img += " " + u.Scheme + "://" + u.Host
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'",
		"style-src 'self' 'unsafe-inline'",
		"img-src " + img,
		"connect-src 'self'",
		"font-src 'self'",
		"frame-src 'self' blob:",
		"media-src 'self'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a := h.assets[r.URL.Path]
	if r.URL.Path == "/" || r.URL.Path == "/index.html" {
		a = h.index
		w.Header().Set("Content-Security-Policy", h.csp)
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Frame-Options", "DENY")
	}
	if a == nil {
		http.NotFound(w, r)
		return
	}
	serve(w, r, a)
}

func serve(w http.ResponseWriter, r *http.Request, a *asset) {
	hd := w.Header()
	hd.Set("Content-Type", a.ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	if a.immutable {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	body, etag := a.body, a.etag
	if a.gz != nil {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
			hd.Set("Content-Encoding", "gzip")
		}
	}
	hd.Set("ETag", etag)
	http.ServeContent(w, r, "", zeroTime, bytes.NewReader(body))
}

// zeroTime: no Last-Modified; ETags do the revalidation.
var zeroTime time.Time

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
