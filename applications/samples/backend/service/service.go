// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"errors"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Service implements samples.API on PostgreSQL (store.go holds the
// SQL). Operations you add to the API answer 501 through the embedded
// UnimplementedSamples until you write them.
type Service struct {
	samples.UnimplementedSamples

	store store
}

var _ samples.API = (*Service)(nil)

// New returns the service storing its data in pool's database, whose
// schema database.Migrate keeps.
func New(pool *pgxpool.Pool) *Service { return &Service{store: store{pool}} }

// Ping answers pong.
func (s *Service) Ping(ctx context.Context, req samples.PingRequest) (samples.PingResponse, error) {
	return &samples.Ping200JSONResponse{Body: "pong"}, nil
}

// Sum answers a + b. The spec bounds both by 2^52, so the sum cannot
// overflow, and the server has answered 400 for anything else.
func (s *Service) Sum(ctx context.Context, req samples.SumRequest) (samples.SumResponse, error) {
	return &samples.Sum200JSONResponse{Body: req.A + req.B}, nil
}

// CreateItem stores a new item. The generated server has already checked the
// body against the API (name length, tag pattern, at most 10 tags).
func (s *Service) CreateItem(ctx context.Context, req samples.CreateItemRequest) (samples.CreateItemResponse, error) {
	item, err := s.store.createItem(ctx, req.Body)
	if err != nil {
		return nil, err
	}
	return &samples.CreateItem201JSONResponse{Body: item}, nil
}

// GetItem returns one item, or 404.
func (s *Service) GetItem(ctx context.Context, req samples.GetItemRequest) (samples.GetItemResponse, error) {
	item, err := s.store.item(ctx, req.ID)
	if errors.Is(err, errNotFound) {
		return &samples.GetItem404Response{}, nil
	}
	if err != nil {
		return nil, err
	}
	return &samples.GetItem200JSONResponse{Body: item}, nil
}

// ListItems returns a page of items; the spec's defaults fill limit and offset.
func (s *Service) ListItems(ctx context.Context, req samples.ListItemsRequest) (samples.ListItemsResponse, error) {
	page, err := s.store.items(ctx, req.Limit, req.Offset)
	if err != nil {
		return nil, err
	}
	return &samples.ListItems200JSONResponse{Body: page}, nil
}
