-- Passengers and their trips. The API validates every value before it gets
-- here; the checks below keep the table honest for everything else (psql,
-- the import, a future version of the API).
CREATE TABLE passengers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    nationality text NOT NULL CHECK (nationality ~ '^[A-Z]{2}$'),
    phone text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    -- One more at every update: an UPDATE increments it in place, so two
    -- concurrent updates can never both answer the same version.
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Addresses that differ only in case are one address: the service names this
-- index in its 409.
CREATE UNIQUE INDEX passengers_email_key ON passengers (lower(email));
CREATE INDEX passengers_nationality_idx ON passengers (nationality, id);

CREATE TABLE trips (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- RESTRICT: a passenger who still has trips cannot be deleted (409);
    -- their trips are cancelled first, one by one.
    passenger_id bigint NOT NULL REFERENCES passengers (id) ON DELETE RESTRICT,
    flight text NOT NULL CHECK (flight ~ '^[A-Z0-9]{2}[0-9]{1,4}$'),
    departure date NOT NULL,
    seat text CHECK (seat ~ '^[1-9][0-9]?[A-K]$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- A passenger is booked once on a flight, and a seat once: both 409.
    -- The first one also serves the listing of a passenger's trips.
    CONSTRAINT trips_passenger_flight_key UNIQUE (passenger_id, flight, departure),
    CONSTRAINT trips_seat_key UNIQUE (flight, departure, seat)
);
