// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"sync"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
)

// Service implements samples.API. Its zero value is ready: items live in
// memory until you give it a database. Operations you add to the API answer
// 501 through the embedded UnimplementedSamples until you write them.
type Service struct {
	samples.UnimplementedSamples

	mu    sync.Mutex
	items []samples.Item
}

var _ samples.API = (*Service)(nil)

// Ping answers pong.
func (s *Service) Ping(ctx context.Context, req samples.PingRequest) (samples.PingResponse, error) {
	return samples.Ping200JSONResponse{Body: "pong"}, nil
}

// CreateItem stores a new item. The generated server has already checked the
// body against the API (name length, tag pattern, at most 10 tags).
func (s *Service) CreateItem(ctx context.Context, req samples.CreateItemRequest) (samples.CreateItemResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	item := samples.Item{ID: int64(len(s.items) + 1), Name: req.Body.Name, Tags: req.Body.Tags}
	s.items = append(s.items, item)
	return samples.CreateItem201JSONResponse{Body: item}, nil
}

// GetItem returns one item, or 404.
func (s *Service) GetItem(ctx context.Context, req samples.GetItemRequest) (samples.GetItemResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.ID < 1 || req.ID > int64(len(s.items)) {
		return samples.GetItem404Response{}, nil
	}
	return samples.GetItem200JSONResponse{Body: s.items[req.ID-1]}, nil
}

// ListItems returns a page of items: limit (default 20) from offset (default 0).
func (s *Service) ListItems(ctx context.Context, req samples.ListItemsRequest) (samples.ListItemsResponse, error) {
	limit, offset := int64(20), int64(0)
	if req.Limit != nil {
		limit = *req.Limit
	}
	if req.Offset != nil {
		offset = *req.Offset
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	page := samples.ItemPage{Items: []samples.Item{}, Total: int64(len(s.items))}
	for i := offset; i < int64(len(s.items)) && int64(len(page.Items)) < limit; i++ {
		page.Items = append(page.Items, s.items[i])
	}
	return samples.ListItems200JSONResponse{Body: page}, nil
}
