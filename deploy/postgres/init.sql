-- One database per subgraph: each owns its data and can move to its own server later.
CREATE DATABASE accounts;
CREATE DATABASE catalog;
CREATE DATABASE orders;
CREATE DATABASE inventory;
CREATE DATABASE blog;
CREATE DATABASE feed;
