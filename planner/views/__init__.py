"""The planner's views, one module per page group; every view that loads an object goes through access.py."""
