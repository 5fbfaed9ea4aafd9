// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
)

// CreateTrip books a trip: 404 when the passenger does not exist, 409 when
// they are already booked on the flight or the seat is taken.
func (s *Service) CreateTrip(ctx context.Context, req samples.CreateTripRequest) (samples.CreateTripResponse, error) {
	t, err := s.store.createTrip(ctx, req.PassengerID, req.Body)
	var c *conflictError
	switch {
	case errors.Is(err, errNotFound):
		return &samples.CreateTrip404JSONResponse{Body: noPassenger(req.PassengerID)}, nil
	case errors.As(err, &c):
		return &samples.CreateTrip409JSONResponse{Body: conflict(c)}, nil
	case err != nil:
		return nil, err
	}
	return &samples.CreateTrip201JSONResponse{Body: t}, nil
}

// ListTrips returns a page of a passenger's trips, or 404 when there is no
// such passenger (a passenger without trips has an empty page).
func (s *Service) ListTrips(ctx context.Context, req samples.ListTripsRequest) (samples.ListTripsResponse, error) {
	page, err := s.store.trips(ctx, req)
	switch {
	case errors.Is(err, errNotFound):
		return &samples.ListTrips404JSONResponse{Body: noPassenger(req.PassengerID)}, nil
	case err != nil:
		return nil, err
	}
	return &samples.ListTrips200JSONResponse{Body: page}, nil
}

// DeleteTrip cancels a trip: 404 unless it is the passenger's.
func (s *Service) DeleteTrip(ctx context.Context, req samples.DeleteTripRequest) (samples.DeleteTripResponse, error) {
	err := s.store.deleteTrip(ctx, req.PassengerID, req.TripID)
	switch {
	case errors.Is(err, errNotFound):
		detail := fmt.Sprintf("passenger %d has no trip %d", req.PassengerID, req.TripID)
		return &samples.DeleteTrip404JSONResponse{Body: problem(http.StatusNotFound, detail)}, nil
	case err != nil:
		return nil, err
	}
	return &samples.DeleteTrip204Response{}, nil
}
