// A stand-in for NVIDIA's device plugin on the local cluster's "GPU" node: it speaks the kubelet's
// device-plugin API (v1beta1), advertises nvidia.com/gpu devices and, on Allocate, injects what
// NVIDIA's plugin gives a container: NVIDIA_VISIBLE_DEVICES with the device UUIDs and, per device, a
// file under /var/run/nvidia-container-devices/ (NVIDIA's volume-mounts list strategy; here the file
// holds the device's facts as JSON: uuid, productName, memoryMiB, cudaComputeCapability). There is no
// GPU behind it: a workload that needs CUDA must find none and say so.
//
// Usage: fake-gpu-plugin -plugin-dir DIR -count N -product NAME [-memory-mib M] [-compute 7.5] [-info-dir DIR]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

const resourceName = "nvidia.com/gpu"

type deviceInfo struct {
	UUID                  string `json:"uuid"`
	ProductName           string `json:"productName"`
	MemoryMiB             int    `json:"memoryMiB"`
	CudaComputeCapability string `json:"cudaComputeCapability"`
	Fake                  bool   `json:"fake"`
}

type plugin struct {
	pluginapi.UnimplementedDevicePluginServer
	devices []deviceInfo
	infoDir string
}

func (p *plugin) GetDevicePluginOptions(context.Context, *pluginapi.Empty) (*pluginapi.DevicePluginOptions, error) {
	return &pluginapi.DevicePluginOptions{}, nil
}

func (p *plugin) ListAndWatch(_ *pluginapi.Empty, stream pluginapi.DevicePlugin_ListAndWatchServer) error {
	var list []*pluginapi.Device
	for _, d := range p.devices {
		list = append(list, &pluginapi.Device{ID: d.UUID, Health: pluginapi.Healthy})
	}
	if err := stream.Send(&pluginapi.ListAndWatchResponse{Devices: list}); err != nil {
		return err
	}
	<-stream.Context().Done() // devices never change: keep the stream open until the kubelet closes it
	return nil
}

func (p *plugin) Allocate(_ context.Context, req *pluginapi.AllocateRequest) (*pluginapi.AllocateResponse, error) {
	resp := &pluginapi.AllocateResponse{}
	for _, c := range req.ContainerRequests {
		car := &pluginapi.ContainerAllocateResponse{Envs: map[string]string{
			"NVIDIA_VISIBLE_DEVICES": strings.Join(c.DevicesIds, ","),
		}}
		for _, id := range c.DevicesIds {
			car.Mounts = append(car.Mounts, &pluginapi.Mount{
				ContainerPath: "/var/run/nvidia-container-devices/" + id,
				HostPath:      filepath.Join(p.infoDir, id+".json"),
				ReadOnly:      true,
			})
		}
		resp.ContainerResponses = append(resp.ContainerResponses, car)
		log.Printf("allocated %v", c.DevicesIds)
	}
	return resp, nil
}

func (p *plugin) PreStartContainer(context.Context, *pluginapi.PreStartContainerRequest) (*pluginapi.PreStartContainerResponse, error) {
	return &pluginapi.PreStartContainerResponse{}, nil
}

func main() {
	dir := flag.String("plugin-dir", pluginapi.DevicePluginPath, "the kubelet's device-plugins directory")
	count := flag.Int("count", 1, "devices to advertise")
	product := flag.String("product", "Tesla-T4", "product name reported per device")
	memory := flag.Int("memory-mib", 15360, "memory per device in MiB")
	compute := flag.String("compute", "7.5", "CUDA compute capability reported per device")
	infoDir := flag.String("info-dir", "", "where the per-device files are written (default: DIR/fake-gpu-info)")
	node := flag.String("node", "node", "node name, part of the device UUIDs")
	flag.Parse()
	if *infoDir == "" {
		*infoDir = filepath.Join(*dir, "fake-gpu-info")
	}
	if err := os.MkdirAll(*infoDir, 0o755); err != nil {
		log.Fatal(err)
	}
	p := &plugin{infoDir: *infoDir}
	for i := 0; i < *count; i++ {
		d := deviceInfo{UUID: fmt.Sprintf("GPU-fake-%s-%d", *node, i), ProductName: *product, MemoryMiB: *memory,
			CudaComputeCapability: *compute, Fake: true}
		b, _ := json.MarshalIndent(d, "", "  ")
		if err := os.WriteFile(filepath.Join(*infoDir, d.UUID+".json"), b, 0o644); err != nil {
			log.Fatal(err)
		}
		p.devices = append(p.devices, d)
	}

	endpoint := "fake-nvidia-gpu.sock"
	socket := filepath.Join(*dir, endpoint)
	var server *grpc.Server

	// Serve on our socket, and register with the kubelet; again whenever either socket is recreated: a
	// starting kubelet empties the directory (our socket goes) and forgets every plugin.
	kubelet := filepath.Join(*dir, "kubelet.sock")
	var registered time.Time
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	for {
		if _, err := os.Stat(socket); err != nil {
			if server != nil {
				server.Stop()
			}
			lis, err := net.Listen("unix", socket)
			if err != nil {
				log.Fatal(err)
			}
			server = grpc.NewServer()
			pluginapi.RegisterDevicePluginServer(server, p)
			go func(s *grpc.Server) { _ = s.Serve(lis) }(server)
			registered = time.Time{}
		}
		if st, err := os.Stat(kubelet); err == nil && st.ModTime().After(registered) {
			if err := register(kubelet, endpoint); err != nil {
				log.Printf("register: %v (retrying)", err)
			} else {
				registered = time.Now()
				log.Printf("registered %d %s (%s) with %s", *count, resourceName, *product, kubelet)
			}
		}
		select {
		case <-stop:
			if server != nil {
				server.Stop()
			}
			_ = os.Remove(socket)
			return
		case <-time.After(2 * time.Second):
		}
	}
}

func register(kubelet, endpoint string) error {
	conn, err := grpc.NewClient("unix://"+kubelet, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = pluginapi.NewRegistrationClient(conn).Register(ctx, &pluginapi.RegisterRequest{
		Version: pluginapi.Version, Endpoint: endpoint, ResourceName: resourceName,
	})
	return err
}
