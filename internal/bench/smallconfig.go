package main

import (
	"context"
	"fmt"
	"net/http"

	"golang.org/x/sync/errgroup"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// The small configuration's measurement: what a new user has, one membership, one organization link
// and one space link, in a large organization (as many sub-organizations as the data source reads,
// and a quarter as many organization links), refreshed with batch_reads on and off. Batching must
// never cost more than one GET per resource, so both refreshes cost the same requests.

// smallConfigResources is the configuration's size: a membership, an organization link, a space link.
const smallConfigResources = 3

// smallConfigReport is the small configuration's part of the report.
type smallConfigReport struct {
	subOrgs, links     int
	batched, unbatched *measurement
}

// smallConfig is one membership, one organization link and one space link; batch_reads is a variable
// so that one configuration serves both ways.
func smallConfig(subOrgID string) string {
	return requiredInvent + batchReadsVariable + fmt.Sprintf(`
provider "invent" {
  batch_reads = var.batch_reads
}

resource "invent_sub_org_membership" "one" {
  org_id     = %[1]q
  sub_org_id = %[2]q
  role       = "STAFF"
}

resource "invent_invite_link" "org" {
  org_id = %[1]q
  role   = "read"
}

resource "invent_invite_link" "space" {
  org_id   = %[1]q
  role     = "guest"
  space_id = %[3]q
}
`, emulator.DefaultParentOrgID, subOrgID, emulator.DefaultSpaceID)
}

// measureSmallConfig fills an emulator of its own with the organization's links (without latency,
// which only the measured plans need), applies the small configuration, then plans it in rounds,
// batched and not.
func (b *bench) measureSmallConfig(ctx context.Context, rep *report) error {
	sc := &smallConfigReport{subOrgs: b.opts.dataSourceSubOrgs, links: b.opts.dataSourceSubOrgs / 4}
	emu, err := startEmulator(ctx, b.bins.emulator, b.tmp+"/emulator-small", sc.subOrgs, 0)
	if err != nil {
		return err
	}
	defer emu.stop()
	b.logf("==> a small configuration in an organization of %d sub-organizations and %d links", sc.subOrgs, sc.links)
	if err := createOrganizationLinks(ctx, emu.url, sc.links); err != nil {
		return err
	}
	if err := emu.control(ctx, http.MethodPut, "/_emulator/knobs", map[string]any{"latency": b.opts.latency.String()}, nil); err != nil {
		return err
	}
	dir, err := b.workspace("small", smallConfig(fmt.Sprintf("org_gen_%05d", sc.subOrgs/2)))
	if err != nil {
		return err
	}
	env := apiEnv(emu)
	if _, err := b.tf.run(ctx, dir, env, "apply", "-auto-approve"); err != nil {
		return err
	}
	label := fmt.Sprintf("invent: refresh plan of 1 membership + 2 links among %d sub-organizations and %d links", sc.subOrgs, sc.links)
	sc.batched = newMeasurement(label, smallConfigResources)
	sc.unbatched = newMeasurement(label+", batch_reads = false", smallConfigResources)
	sc.batched.inRounds, sc.unbatched.inRounds = true, true
	for range b.opts.runs {
		for _, s := range []struct {
			m     *measurement
			extra []string
		}{{sc.batched, nil}, {sc.unbatched, []string{"-var", "batch_reads=false"}}} {
			if err := b.sample(ctx, emu, s.m, b.opts.runs, func() (tfRun, error) {
				return b.tf.run(ctx, dir, env, append([]string{"plan", "-detailed-exitcode"}, s.extra...)...)
			}); err != nil {
				return err
			}
		}
	}
	rep.smallConfig = sc
	return nil
}

// createOrganizationLinks creates n organization invite links through the API, ten at a time.
func createOrganizationLinks(ctx context.Context, url string, n int) error {
	api, err := client.New(client.Config{BaseURL: url, Token: emulator.DefaultAdminToken, UserAgent: "invent-bench", MaxRetries: client.DefaultMaxRetries})
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(client.DefaultPageConcurrency)
	for range n {
		g.Go(func() error {
			_, err := api.CreateInviteLink(gctx, emulator.DefaultParentOrgID, client.NewInviteLinkRequest(client.RoleRead, "", ""))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("creating %d invite links: %w", n, err)
	}
	return nil
}

// bars are the small configuration's criteria: batching costs no more requests than one GET per
// resource and the token's user, and no more time than the plain way.
func (sc *smallConfigReport) bars() []bar {
	if sc == nil {
		return nil
	}
	ratio := pairedRatio(sc.batched, sc.unbatched)
	return []bar{
		{
			name: fmt.Sprintf("small configuration among %d sub-organizations: the batched refresh at most one request per resource and the token's user (%d)",
				sc.subOrgs, smallConfigResources+1),
			measured: fmt.Sprintf("%d (batch_reads = false: %d)", sc.batched.requests(), sc.unbatched.requests()),
			met:      sc.batched.requests() <= smallConfigResources+1,
		},
		{
			name:     fmt.Sprintf("small configuration among %d sub-organizations: the batched refresh at most %.2fx the time of batch_reads = false", sc.subOrgs, maxSmallConfigRatio),
			measured: fmt.Sprintf("%.2fx", ratio),
			met:      ratio <= maxSmallConfigRatio,
			timing:   true,
		},
	}
}

// maxSmallConfigRatio bounds the batched small refresh against the plain one: both make the same
// GETs, so anything above 1 is the machine's noise.
const maxSmallConfigRatio = 1.1

// markdown is the small configuration's section of BENCHMARKS.md.
func (sc *smallConfigReport) markdown(w func(format string, args ...any)) {
	if sc == nil {
		return
	}
	w("")
	w("## A small configuration in a large organization")
	w("")
	w("One `invent_sub_org_membership`, one organization `invent_invite_link` and one space link, in an organization")
	w("of %d sub-organizations and %d organization links (an emulator of its own, same latency), refreshed in", sc.subOrgs, sc.links)
	w("rounds with `batch_reads` on and off. The ratio is the median of each round's.")
	w("")
	w("| Measured | Runs | Median plan | × batch_reads = false | API requests |")
	w("|---|---:|---:|---:|---|")
	for _, m := range []*measurement{sc.batched, sc.unbatched} {
		w("| %s | %d | %s | %.2fx | %d: %s |", m.label, len(m.samples), seconds(m.median()), pairedRatio(m, sc.unbatched), m.requests(), routes(m))
	}
	w("")
	w("- A read alone in its listing makes its own GET at once: a page is fetched only for a read that has company")
	w("  in its listing, and only as far as the reads it answers pay for it; the space link is never in the")
	w("  organization's listing.")
}
