"""Rubrics: facts about a release, the engine that grades them, and the MOF."""
