"""Pure figure builders: data frames in, Plotly figures (or figure updates) out; no Dash, no database."""
