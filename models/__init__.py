"""Database schema, connection handling and the queries the ETL and dashboard share."""
