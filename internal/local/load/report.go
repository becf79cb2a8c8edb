package load

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// WriteTable writes the report as Markdown: one row per step and route.
func WriteTable(w io.Writer, r Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "| rate (req/s) | route | requests | errors | p50 | p99 | max |\n|---|---|---|---|---|---|---|\n")
	for _, s := range r.Steps {
		fmt.Fprintf(&b, "| **%d** | **all** | %d | %d | %.1f ms | **%.1f ms** | %.1f ms |\n", s.Rate, s.All.Requests, s.All.Errors, ms(s.All.P50), ms(s.All.P99), ms(s.All.Max))
		for _, route := range Routes {
			if st, ok := s.Routes[route]; ok {
				fmt.Fprintf(&b, "| %d | %s | %d | %d | %.1f ms | %.1f ms | %.1f ms |\n", s.Rate, route, st.Requests, st.Errors, ms(st.P50), ms(st.P99), ms(st.Max))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteSVG plots p50 and p99 of every step against its rate (log scale),
// with the p99 bound and the knee marked.
func WriteSVG(w io.Writer, r Report) error {
	const (
		width, height          = 720, 400
		left, right, top, bott = 70, 20, 40, 60
	)
	plotW, plotH := float64(width-left-right), float64(height-top-bott)
	maxMS := ms(r.MaxP99) * 1.5
	for _, s := range r.Steps {
		maxMS = math.Max(maxMS, ms(s.All.P99)*1.1)
	}
	minRate, maxRate := 1.0, 2.0
	if len(r.Steps) > 0 {
		minRate, maxRate = float64(r.Steps[0].Rate), float64(r.Steps[len(r.Steps)-1].Rate)
	}
	if maxRate <= minRate {
		maxRate = minRate * 2
	}
	x := func(rate int) float64 {
		return left + plotW*math.Log(float64(rate)/minRate)/math.Log(maxRate/minRate)
	}
	y := func(v float64) float64 { return top + plotH*(1-v/maxMS) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="14">eventboard local: latency by rate (80%% reads, 15%% creates, 5%% edits)</text>`+"\n", left)
	// Axes, grid and labels.
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`+"\n", left, top, left, height-bott)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`+"\n", left, height-bott, width-right, height-bott)
	for i := 0; i <= 5; i++ {
		v := maxMS * float64(i) / 5
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%.0f ms</text>`+"\n", left, y(v), width-right, y(v), left-6, y(v)+4, v)
	}
	for _, s := range r.Steps {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%d</text>`+"\n", x(s.Rate), height-bott+16, s.Rate)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">requests per second (log scale)</text>`+"\n", left+plotW/2, height-bott+36)
	// The bound, and the knee.
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="red" stroke-dasharray="6 4"/><text x="%d" y="%.1f" fill="red" text-anchor="end">p99 bound %.0f ms</text>`+"\n",
		left, y(ms(r.MaxP99)), width-right, y(ms(r.MaxP99)), width-right, y(ms(r.MaxP99))-6, ms(r.MaxP99))
	if r.Knee > 0 {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="green" stroke-dasharray="4 4"/><text x="%.1f" y="%d" fill="green">knee %d req/s</text>`+"\n",
			x(r.Knee), top, x(r.Knee), height-bott, x(r.Knee)+4, top+14, r.Knee)
	}
	series := func(name, color string, pick func(Step) time.Duration) {
		var pts []string
		for _, s := range r.Steps {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(s.Rate), y(ms(pick(s)))))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), color)
		for _, s := range r.Steps {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", x(s.Rate), y(ms(pick(s))), color)
		}
		last := len(r.Steps) - 1
		if last >= 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s">%s</text>`+"\n", x(r.Steps[last].Rate)-40, y(ms(pick(r.Steps[last])))-8, color, name)
		}
	}
	series("p50", "#1f77b4", func(s Step) time.Duration { return s.All.P50 })
	series("p99", "#d62728", func(s Step) time.Duration { return s.All.P99 })
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
