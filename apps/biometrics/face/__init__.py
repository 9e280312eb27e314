"""Face biometrics as a pure library: no Django models, no database.

- :mod:`pipeline`: image bytes -> one face, its quality, a 128-d dlib embedding and a
  portrait chip (``analyse_face``).
- :mod:`quality`: the measures and reason codes behind ``FaceQuality``.
- :mod:`index`: an approximate nearest-neighbour index (faiss IVF + SQ8) on disk, with
  real removal, incremental updates, rebuild with progress and sharding
  (:mod:`store` holds the one-directory mechanics).
- :mod:`samples`: test faces from installed packages with generated variations.
- :mod:`synthetic`: synthetic embeddings calibrated on dlib's distances, for scale tests.
"""
