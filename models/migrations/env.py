"""Alembic environment: the URL comes from the caller (models.db.alembic_config)."""

from alembic import context
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from models.db import engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    with engine(config.get_main_option("sqlalchemy.url")).connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
