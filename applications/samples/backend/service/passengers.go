// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
)

// problem is the body of an error answer, as the server writes its own.
func problem(status int, detail string) samples.Problem {
	title := http.StatusText(status)
	return samples.Problem{Status: int64(status), Title: &title, Detail: &detail}
}

// conflict is the 409 problem of a refused write: when a field is at fault,
// its errors name it as a 400 names an invalid one, so that a form can show
// the message beside the field.
func conflict(c *conflictError) samples.Problem {
	p := problem(http.StatusConflict, c.Detail)
	if c.Field != "" {
		field, pointer := c.Field, "/"+c.Field
		p.Errors = []samples.FieldError{{In: samples.FieldErrorInBody, Field: &field, Pointer: &pointer, Detail: c.Detail}}
	}
	return p
}

func noPassenger(id int64) samples.Problem {
	return problem(http.StatusNotFound, fmt.Sprintf("no passenger %d", id))
}

// CreatePassenger registers a passenger: 409 when the email is already a
// passenger's.
func (s *Service) CreatePassenger(ctx context.Context, req samples.CreatePassengerRequest) (samples.CreatePassengerResponse, error) {
	p, err := s.store.createPassenger(ctx, req.Body)
	var c *conflictError
	switch {
	case errors.As(err, &c):
		return &samples.CreatePassenger409JSONResponse{Body: conflict(c)}, nil
	case err != nil:
		return nil, err
	}
	h := http.Header{}
	h.Set("Location", samples.BasePath+"/passengers/"+strconv.FormatInt(p.ID, 10))
	return &samples.CreatePassenger201JSONResponse{Body: p, Header: h}, nil
}

// GetPassenger returns one passenger, or 404.
func (s *Service) GetPassenger(ctx context.Context, req samples.GetPassengerRequest) (samples.GetPassengerResponse, error) {
	p, err := s.store.passenger(ctx, req.PassengerID)
	if errors.Is(err, errNotFound) {
		return &samples.GetPassenger404JSONResponse{Body: noPassenger(req.PassengerID)}, nil
	}
	if err != nil {
		return nil, err
	}
	return &samples.GetPassenger200JSONResponse{Body: p}, nil
}

// ListPassengers returns a page of the passengers that match the filters,
// and how many match in all.
func (s *Service) ListPassengers(ctx context.Context, req samples.ListPassengersRequest) (samples.ListPassengersResponse, error) {
	page, err := s.store.passengers(ctx, req)
	if err != nil {
		return nil, err
	}
	return &samples.ListPassengers200JSONResponse{Body: page}, nil
}

// UpdatePassenger changes the properties the patch holds, and only those.
func (s *Service) UpdatePassenger(ctx context.Context, req samples.UpdatePassengerRequest) (samples.UpdatePassengerResponse, error) {
	// The generated server refuses {} (the spec's minProperties: 1), but
	// a key that is no property counts there too: {"nam": "x"} changes
	// nothing and must say so.
	if b := req.Body; b.Name == nil && b.Email == nil && b.Nationality == nil && !b.Phone.IsSet() {
		p := problem(http.StatusBadRequest, "nothing to change")
		p.Errors = []samples.FieldError{{In: samples.FieldErrorInBody, Detail: "must have at least one of name, email, nationality and phone"}}
		return &samples.UpdatePassenger400JSONResponse{Body: p}, nil
	}
	p, err := s.store.updatePassenger(ctx, req.PassengerID, req.Body)
	var c *conflictError
	switch {
	case errors.Is(err, errNotFound):
		return &samples.UpdatePassenger404JSONResponse{Body: noPassenger(req.PassengerID)}, nil
	case errors.As(err, &c):
		return &samples.UpdatePassenger409JSONResponse{Body: conflict(c)}, nil
	case err != nil:
		return nil, err
	}
	return &samples.UpdatePassenger200JSONResponse{Body: p}, nil
}

// DeletePassenger deletes a passenger: 409 while they have trips.
func (s *Service) DeletePassenger(ctx context.Context, req samples.DeletePassengerRequest) (samples.DeletePassengerResponse, error) {
	err := s.store.deletePassenger(ctx, req.PassengerID)
	var c *conflictError
	switch {
	case errors.Is(err, errNotFound):
		return &samples.DeletePassenger404JSONResponse{Body: noPassenger(req.PassengerID)}, nil
	case errors.As(err, &c):
		return &samples.DeletePassenger409JSONResponse{Body: conflict(c)}, nil
	case err != nil:
		return nil, err
	}
	return &samples.DeletePassenger204Response{}, nil
}
