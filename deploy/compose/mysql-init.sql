-- Runs once, when the MySQL container initialises an empty data volume (docker-compose.yml).
-- Each app owns one database (ARCHITECTURE.md); scripts/infra.sh creates the same ones outside Docker.
CREATE DATABASE IF NOT EXISTS wxop_ingress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS wxop_token CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS wxop_authorizer CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS wxop_code_release CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS wxop_admin CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
