package web

import (
	"compress/gzip"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var assetRef = regexp.MustCompile(`(?:href|src)="(/assets/[^"]+)"`)

func TestIndexRefersToHashedImmutableAssets(t *testing.T) {
	h := Handler(Config{})
	r := get(t, h, "/", nil)
	page := body(t, r)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("index: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if strings.Contains(page, "{{") {
		t.Fatalf("index has unfilled placeholders:\n%s", page)
	}
	refs := assetRef.FindAllStringSubmatch(page, -1)
	if len(refs) < 4 {
		t.Fatalf("index refers to %d assets, want the stylesheets and scripts", len(refs))
	}
	for _, m := range refs {
		a := get(t, h, m[1], nil)
		if a.StatusCode != 200 || a.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d, Cache-Control %q", m[1], a.StatusCode, a.Header.Get("Cache-Control"))
		}
	}
	if !strings.Contains(page, `"/assets/js/s2.js":"/assets/js/s2.`) {
		t.Errorf("the import map does not send s2.js to its hashed name:\n%s", page)
	}
}

func TestContentTypesAndCaching(t *testing.T) {
	h := Handler(Config{})
	for path, ctype := range map[string]string{
		"/assets/js/main.js":                     "text/javascript; charset=utf-8",
		"/assets/css/console.css":                "text/css; charset=utf-8",
		"/assets/data/countries.geojson":         "application/geo+json",
		"/assets/third_party/leaflet/leaflet.js": "text/javascript; charset=utf-8",
		"/assets/third_party/leaflet/LICENSE":    "text/plain; charset=utf-8",
		"/assets/data/governorates.geojson":      "application/geo+json",
	} {
		r := get(t, h, path, nil)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != ctype {
			t.Errorf("%s: %d %q, want 200 %q", path, r.StatusCode, r.Header.Get("Content-Type"), ctype)
		}
		if r.Header.Get("Cache-Control") != "no-cache" || r.Header.Get("ETag") == "" {
			t.Errorf("%s: an unhashed name must revalidate: Cache-Control %q, ETag %q", path, r.Header.Get("Cache-Control"), r.Header.Get("ETag"))
		}
		again := get(t, h, path, map[string]string{"If-None-Match": r.Header.Get("ETag")})
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d, want 304", path, again.StatusCode)
		}
	}
	for _, path := range []string{"/nope", "/assets/", "/assets/js/missing.js", "/assets/../web.go"} {
		if r := get(t, h, path, nil); r.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", path, r.StatusCode)
		}
	}
}

func TestGzip(t *testing.T) {
	h := Handler(Config{})
	plain := body(t, get(t, h, "/assets/third_party/leaflet/leaflet.js", nil))
	r := get(t, h, "/assets/third_party/leaflet/leaflet.js", map[string]string{"Accept-Encoding": "br, gzip"})
	if r.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("Content-Encoding %q, Vary %q", r.Header.Get("Content-Encoding"), r.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if string(b) != plain {
		t.Fatal("gzip body differs from the plain one")
	}
}

func TestPolicyAllowsOnlyConcordAndTheOperatorsTiles(t *testing.T) {
	csp := get(t, Handler(Config{}), "/", nil).Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "connect-src 'self'", "script-src 'self' 'sha256-", "img-src 'self' data: blob:;"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	h := Handler(Config{TilesURL: "https://tiles.example.org/osm/{z}/{x}/{y}.png"})
	r := get(t, h, "/", nil)
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: blob: https://tiles.example.org;") {
		t.Errorf("CSP with tiles: %q", csp)
	}
	if page := body(t, r); !strings.Contains(page, `content="https://tiles.example.org/osm/{z}/{x}/{y}.png"`) {
		t.Error("the tile URL is not in the page")
	}
}

func TestTilesURLValidation(t *testing.T) {
	for _, u := range []string{"", "https://t.example/{z}/{x}/{y}.png", "http://10.0.0.1:8080/{z}/{x}/{y}"} {
		if err := (Config{TilesURL: u}).Validate(); err != nil {
			t.Errorf("%q: %v", u, err)
		}
	}
	for _, u := range []string{"tiles/{z}/{x}/{y}", "ftp://h/{z}/{x}/{y}", "https://h/{z}/{x}", "javascript:alert(1)//{z}{x}{y}", `https://h/{z}/{x}/{y}"><script>`} {
		if err := (Config{TilesURL: u}).Validate(); err == nil && !strings.Contains(u, "<") {
			t.Errorf("%q: accepted", u)
		}
	}
	page := body(t, get(t, Handler(Config{TilesURL: `https://h/{z}/{x}/{y}"><script>`}), "/", nil))
	if strings.Contains(page, `"><script>`) {
		t.Error("the tile URL is not escaped in the page")
	}
}

func TestMethods(t *testing.T) {
	req := httptest.NewRequest("POST", "/", nil)
	rec := httptest.NewRecorder()
	Handler(Config{}).ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST /: %d", rec.Code)
	}
}

// FuzzTilesURL: whatever the operator passes as --tiles, the page carries
// either that valid URL, HTML-escaped, or nothing; never markup.
func FuzzTilesURL(f *testing.F) {
	for _, s := range []string{"https://t.example/{z}/{x}/{y}.png", `https://h/{z}/{x}/{y}"><script>`, "http://[::1]:8/{z}/{x}/{y}?a=1&b=<", ""} {
		f.Add(s)
	}
	const open = `<meta name="concord-tiles" content="`
	f.Fuzz(func(t *testing.T, u string) {
		c := Config{TilesURL: u}
		valid := c.Validate() == nil
		if !valid {
			c.TilesURL = ""
		}
		page, _ := renderIndex(c, map[string]string{})
		s := string(page)
		i := strings.Index(s, open)
		j := strings.Index(s[i+len(open):], `">`)
		if i < 0 || j < 0 {
			t.Fatal("the tiles meta element is gone")
		}
		content := s[i+len(open) : i+len(open)+j]
		if strings.ContainsAny(content, `<>"`) {
			t.Fatalf("unescaped markup in the page for %q: %q", u, content)
		}
		if want := c.TilesURL; html.UnescapeString(content) != want {
			t.Fatalf("tiles %q (valid %v): page has %q", u, valid, content)
		}
	})
}
