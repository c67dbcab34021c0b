# Two images from one build: `gateway` (the default: production code only) and `simulators`
# (the simulated clusters, for docker-compose and for trying a gateway against them).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY clients/typescript/package.json ./clients/typescript/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.production.json ./
COPY src ./src
COPY sim ./sim
COPY bench ./bench
COPY clients ./clients
COPY console ./console
RUN npx tsc -p tsconfig.production.json --outDir /app/out/gateway \
  && npx vite build --config console/vite.config.js --logLevel warn --outDir /app/out/gateway/console \
  && npx tsc -p tsconfig.build.json --outDir /app/out/all \
  && npm prune --omit=dev

FROM node:22-bookworm-slim AS simulators
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/out/all/sim ./dist/sim
COPY --from=build /app/out/all/src ./dist/src
COPY sim/ontap/contract ./sim/ontap/contract
COPY package.json ./
USER node
CMD ["node", "dist/sim/main.js"]

FROM node:22-bookworm-slim AS gateway
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/out/gateway ./dist
COPY package.json ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
