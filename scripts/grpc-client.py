#!/usr/bin/python3
"""A Python client of resnet-serve's gRPC Open Inference Protocol, with stubs generated from the project's proto
(Debian: python3-grpcio python3-grpc-tools). GrpcPythonClientTest runs it in every build; by hand:

    python3 -m grpc_tools.protoc -Isrc/main/proto --python_out=OUT --grpc_python_out=OUT grpc_predict_v2.proto
    PYTHONPATH=OUT scripts/grpc-client.py 127.0.0.1:8081 MODEL IMAGE... [--top 3]

Prints one JSON line per image: the top classes ("value:index:label" of the classification extension) and the
probabilities output's shape; then one line per error it provokes on purpose (unknown model, bad image), with the
gRPC status code."""
import json
import sys

import grpc
import grpc_predict_v2_pb2 as pb
import grpc_predict_v2_pb2_grpc as rpc


def main(argv):
    target, model, images = argv[1], argv[2], [a for a in argv[3:] if not a.startswith("--")]
    top = int(argv[argv.index("--top") + 1]) if "--top" in argv else 3
    images = [i for i in images if i != str(top)]
    channel = grpc.insecure_channel(target, options=[("grpc.max_receive_message_length", 32 << 20)])
    stub = rpc.GRPCInferenceServiceStub(channel)
    print(json.dumps({"live": stub.ServerLive(pb.ServerLiveRequest(), timeout=30).live,
                      "ready": stub.ModelReady(pb.ModelReadyRequest(name=model), timeout=30).ready}))
    for path in images:
        with open(path, "rb") as f:
            data = f.read()
        request = pb.ModelInferRequest(model_name=model, id=path)
        request.inputs.add(name="image", datatype="BYTES", shape=[1],
                           contents=pb.InferTensorContents(bytes_contents=[data]))
        classification = request.outputs.add(name="probabilities")
        classification.parameters["classification"].int64_param = top
        response = stub.ModelInfer(request, timeout=60)
        output = response.outputs[0]
        print(json.dumps({"image": path, "model": response.model_name, "datatype": output.datatype,
                          "shape": list(output.shape),
                          "top": [b.decode() for b in output.contents.bytes_contents]}))
    for name, request in [
            ("unknown model", pb.ModelInferRequest(model_name="no-such-model")),
            ("bad image", pb.ModelInferRequest(model_name=model)),
    ]:
        if name == "unknown model":
            request.inputs.add(name="image", datatype="BYTES", shape=[1],
                               contents=pb.InferTensorContents(bytes_contents=[b"x"]))
        else:
            request.inputs.add(name="image", datatype="BYTES", shape=[1],
                               contents=pb.InferTensorContents(bytes_contents=[b"not an image"]))
        try:
            stub.ModelInfer(request, timeout=30)
            print(json.dumps({"error": name, "status": "OK"}))
        except grpc.RpcError as e:
            print(json.dumps({"error": name, "status": e.code().name}))


if __name__ == "__main__":
    main(sys.argv)
