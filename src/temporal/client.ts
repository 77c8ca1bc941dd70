import { Client, Connection } from '@temporalio/client';

export async function connectTemporal(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({
    address,
    // gRPC's reconnect backoff grows to 2 minutes while the server is down; after an outage the API
    // should find it again within seconds (requests refused meanwhile are answered 503).
    channelArgs: { 'grpc.max_reconnect_backoff_ms': 5_000 },
  });
  return new Client({ connection, namespace });
}
