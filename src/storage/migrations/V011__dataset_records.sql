-- The records of the city's datasets (issue 9 item 2; ports/dataset_repository.h): what a
-- department holds on a person or an enterprise, one row per record, the values as a JSON object
-- of the dataset's fields (catalogue/datasets/*.yaml says which fields, with their class).
-- The primary key serves every read: one subject's records in one dataset (pre-fill, "what the
-- city holds on me", which asks each dataset in turn) and a dataset page by page. No second index:
-- bulk loads of tens of millions of rows stay fast.
CREATE TABLE dataset_records (
  dataset     TEXT NOT NULL,    -- the dataset's code, e.g. population
  subject_id  TEXT NOT NULL,    -- resident id (GB 11643) or credit code (GB 32100)
  record_id   TEXT NOT NULL,    -- unique within (dataset, subject), e.g. a household number
  fields_json TEXT NOT NULL,    -- {"field": "value", ...}
  as_of       BIGINT NOT NULL,  -- when the owner last confirmed the record, seconds since the epoch
  PRIMARY KEY (dataset, subject_id, record_id)
);
