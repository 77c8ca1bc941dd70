# One image for the api, the worker and the sandbox carrier; the command picks the role.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
USER node
EXPOSE 3000
# tsx runs the TypeScript sources directly, as in development; the worker bundles its workflows at start.
CMD ["node", "--require", "tsx/cjs", "src/server.ts"]
