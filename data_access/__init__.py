"""The only package that touches the database and the cache.

Pages and callbacks call the query functions here with a :class:`~data_access.scope.Scope`;
nothing else opens a connection.
"""
